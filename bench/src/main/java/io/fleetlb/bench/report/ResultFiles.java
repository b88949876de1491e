package io.fleetlb.bench.report;

import io.fleetlb.bench.metrics.RequestOutcome;
import io.fleetlb.results.RequestRecords;
import io.fleetlb.results.ResultJson;
import io.fleetlb.results.RunResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a run's files go: {@code NAME.json} (the result), beside it {@code NAME.requests.jsonl}
 * (one record per request) and {@code NAME.telemetry.jsonl}; each is written to a temporary file
 * and moved into place so a reader never sees half a file.
 */
public final class ResultFiles {
  private final Path result;

  public ResultFiles(Path result) {
    this.result = result;
  }

  public Path result() {
    return result;
  }

  public Path requests() {
    return sibling(".requests.jsonl");
  }

  public Path telemetry() {
    return sibling(".telemetry.jsonl");
  }

  private Path sibling(String suffix) {
    String name = result.getFileName().toString();
    String base = name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
    return result.resolveSibling(base + suffix);
  }

  /**
   * vllm bench serve's name for a saved result: {@code
   * LABEL-RATEqps[-concurrencyN]-MODEL-DATE.json}, the rate as Python prints a float ({@code 12.0},
   * {@code inf}), the model's last path segment.
   */
  public static String vllmName(
      String label,
      com.fasterxml.jackson.databind.JsonNode workloadHeader,
      Integer maxConcurrency) {
    com.fasterxml.jackson.databind.JsonNode r = workloadHeader.path("request_rate");
    String rate =
        r.isNumber()
            ? (r.asDouble() == Math.rint(r.asDouble())
                ? (long) r.asDouble() + ".0"
                : Double.toString(r.asDouble()))
            : "inf";
    String model = workloadHeader.path("models").path(0).asText("model");
    model = model.substring(model.lastIndexOf('/') + 1);
    String date =
        java.time.LocalDateTime.now()
            .format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    return label
        + "-"
        + rate
        + "qps"
        + (maxConcurrency == null ? "" : "-concurrency" + maxConcurrency)
        + "-"
        + model
        + "-"
        + date
        + ".json";
  }

  public void writeResult(RunResult r) throws IOException {
    ResultJson.write(r, result);
  }

  public void writeRequests(List<RequestOutcome> outcomes) throws IOException {
    RequestRecords.write(requests(), outcomes.stream().map(RequestOutcome::toRecord).toList());
  }
}
