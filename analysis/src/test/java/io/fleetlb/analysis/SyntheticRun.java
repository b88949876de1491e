package io.fleetlb.analysis;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetlb.analysis.input.RequestRecord;
import io.fleetlb.analysis.input.Run;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToDoubleFunction;

/**
 * Builds bench runs with known numbers for tests: in memory ({@link #build}) or as bench's files
 * on disk ({@link #write}: result JSON and requests JSON lines with the keys bench-format.md lists).
 */
public final class SyntheticRun {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private String hash = "a".repeat(64);
  private boolean valid = true;
  private double duration = 10;
  private final List<String> models = new ArrayList<>();
  private IntToDoubleFunction ttft = i -> 100;
  private IntToDoubleFunction tpot = i -> 10;
  private int outputTokens = 11;
  private IntToDoubleFunction failed = i -> 0;
  private int requests = 100;

  public static SyntheticRun of(int requests) {
    SyntheticRun s = new SyntheticRun();
    s.requests = requests;
    return s;
  }

  public SyntheticRun hash(String h) {
    hash = h;
    return this;
  }

  public SyntheticRun invalid() {
    valid = false;
    return this;
  }

  public SyntheticRun duration(double s) {
    duration = s;
    return this;
  }

  /** Models assigned round-robin by index. */
  public SyntheticRun models(String... names) {
    models.addAll(List.of(names));
    return this;
  }

  public SyntheticRun ttft(IntToDoubleFunction f) {
    ttft = f;
    return this;
  }

  public SyntheticRun tpot(IntToDoubleFunction f) {
    tpot = f;
    return this;
  }

  /** Indices for which f returns non-zero fail. */
  public SyntheticRun failing(IntToDoubleFunction f) {
    failed = f;
    return this;
  }

  private String model(int i) {
    return models.isEmpty() ? "m1" : models.get(i % models.size());
  }

  public RequestRecord record(int i) {
    boolean ok = failed.applyAsDouble(i) == 0;
    double t = ttft.applyAsDouble(i);
    double tp = tpot.applyAsDouble(i);
    double[] itl = new double[outputTokens - 1];
    java.util.Arrays.fill(itl, tp);
    return new RequestRecord(i, model(i), "r" + (i % 2) + "-" + model(i), ok, ok ? null : "HTTP 503: overloaded",
        ok ? t : Double.NaN, ok ? tp : Double.NaN, ok ? t + tp * (outputTokens - 1) : Double.NaN, ok ? t : Double.NaN,
        ok ? t + tp * (outputTokens - 1) : Double.NaN, ok ? outputTokens : 0, ok ? 50 : 0, ok ? itl : new double[0]);
  }

  ObjectNode result() {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("date", "20260101-000000");
    o.put("label", "synthetic");
    o.put("num_prompts", requests);
    o.put("request_rate", requests / duration);
    o.put("burstiness", 1.0);
    o.put("duration", duration);
    o.put("valid", valid);
    o.put("workload_hash", hash);
    ObjectNode validity = o.putObject("validity");
    validity.put("valid", valid);
    validity.putArray("reasons");
    if (!valid) {
      validity.withArray("reasons").add("p99 schedule lag 5.000 ms exceeds 1.000 ms: the generator fell behind the schedule");
    }
    validity.putArray("warnings");
    ObjectNode bench = o.putObject("bench");
    bench.put("result_format_version", 1);
    bench.put("url", "http://127.0.0.1:1");
    ObjectNode w = o.putObject("workload");
    w.put("content_sha256", hash);
    w.put("span_s", duration);
    w.put("seed", 0);
    w.putObject("dataset").put("name", "random");
    w.putObject("settings");
    o.putObject("files").put("requests", "result.requests.jsonl").putNull("telemetry");
    return o;
  }

  public Run build() {
    RequestRecord[] recs = new RequestRecord[requests];
    for (int i = 0; i < requests; i++) {
      recs[i] = record(i);
    }
    return new Run(Path.of("synthetic/result.json"), result(), recs, List.of());
  }

  /** Writes {@code dir/result.json} and {@code dir/result.requests.jsonl}; returns the result's path. */
  public Path write(Path dir) {
    try {
      Files.createDirectories(dir);
      Path result = dir.resolve("result.json");
      MAPPER.writerWithDefaultPrettyPrinter().writeValue(result.toFile(), result());
      StringBuilder lines = new StringBuilder();
      for (int i = 0; i < requests; i++) {
        RequestRecord r = record(i);
        ObjectNode n = MAPPER.createObjectNode();
        n.put("index", i);
        n.put("model", r.model());
        n.put("replica", r.replica());
        n.put("success", r.success());
        n.put("error", r.error());
        putNum(n, "ttft_ms", r.ttftMs());
        putNum(n, "tpot_ms", r.tpotMs());
        putNum(n, "e2el_ms", r.e2elMs());
        putNum(n, "ttft_intended_ms", r.ttftIntendedMs());
        putNum(n, "e2el_intended_ms", r.e2elIntendedMs());
        n.put("output_tokens", r.outputTokens());
        n.put("prompt_tokens", r.promptTokens());
        var itl = n.putArray("itl_ns");
        for (double g : r.itlMs()) {
          itl.add(Math.round(g * 1e6));
        }
        lines.append(MAPPER.writeValueAsString(n)).append('\n');
      }
      Files.writeString(dir.resolve("result.requests.jsonl"), lines);
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void putNum(ObjectNode n, String k, double v) {
    if (Double.isNaN(v)) {
      n.putNull(k);
    } else {
      n.put(k, v);
    }
  }
}
