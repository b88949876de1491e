package io.fleetlb.bench.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetlb.bench.metrics.RequestOutcome;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Where a run's files go and how they are written: {@code NAME.json} (the result), beside it
 * {@code NAME.requests.jsonl} (one record per request) and {@code NAME.telemetry.jsonl}; each is
 * written to a temporary file and moved into place so a reader never sees half a file.
 */
public final class ResultFiles {
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
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

  public void writeResult(ObjectNode o) throws IOException {
    Path tmp = result.resolveSibling(result.getFileName() + ".tmp");
    MAPPER.writeValue(tmp.toFile(), o);
    Files.move(tmp, result, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  public void writeRequests(List<RequestOutcome> outcomes) throws IOException {
    Path target = requests();
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
        JsonGenerator g = new ObjectMapper().getFactory().createGenerator(out)) {
      g.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
      for (RequestOutcome r : outcomes) {
        writeRecord(g, r);
        g.flush();
        out.write('\n');
      }
    }
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  static void writeRecord(JsonGenerator g, RequestOutcome r) throws IOException {
    g.writeStartObject();
    g.writeNumberField("index", r.index());
    g.writeStringField("model", r.model());
    g.writeStringField("class", r.className());
    g.writeStringField("replica", r.replica());
    g.writeBooleanField("success", r.success());
    g.writeNumberField("status", r.status());
    g.writeStringField("error", r.error());
    g.writeNumberField("scheduled_ns", r.scheduledNs());
    g.writeNumberField("arrival_ns", r.arrivalNs());
    g.writeNumberField("start_ns", r.startNs());
    g.writeNumberField("sent_ns", r.sentNs());
    g.writeNumberField("first_token_ns", r.firstTokenNs());
    g.writeNumberField("last_token_ns", r.lastTokenNs());
    g.writeNumberField("done_ns", r.doneNs());
    if (r.success()) {
      g.writeNumberField("ttft_ms", r.ttftNs() / 1e6);
      g.writeNumberField("e2el_ms", r.e2elNs() / 1e6);
      if (r.outputTokens() > 1) {
        g.writeNumberField("tpot_ms", r.tpotNs() / 1e6);
      } else {
        g.writeNullField("tpot_ms");
      }
      g.writeNumberField("ttft_intended_ms", (r.firstTokenNs() - r.scheduledNs()) / 1e6);
      g.writeNumberField("e2el_intended_ms", (r.lastTokenNs() - r.scheduledNs()) / 1e6);
    } else {
      g.writeNullField("ttft_ms");
      g.writeNullField("e2el_ms");
      g.writeNullField("tpot_ms");
      g.writeNullField("ttft_intended_ms");
      g.writeNullField("e2el_intended_ms");
    }
    if (r.arrivalNs() >= 0) {
      g.writeNumberField("schedule_lag_ms", r.scheduleLagNs() / 1e6);
    } else {
      g.writeNullField("schedule_lag_ms");
    }
    g.writeNumberField("prompt_tokens", r.promptTokens());
    g.writeNumberField("completion_tokens", r.completionTokens());
    g.writeNumberField("output_tokens", r.success() ? r.outputTokens() : 0);
    g.writeNumberField("expected_input_tokens", r.expectedInputTokens());
    g.writeNumberField("expected_output_tokens", r.expectedOutputTokens());
    g.writeNumberField("token_events", r.tokenEvents());
    g.writeNumberField("chunks", r.chunks());
    g.writeBooleanField("done_marker", r.doneMarker());
    g.writeBooleanField("new_connection", r.newConnection());
    g.writeArrayFieldStart("itl_ns");
    for (long gap : r.itlNs()) {
      g.writeNumber(gap);
    }
    g.writeEndArray();
    g.writeEndObject();
  }
}
