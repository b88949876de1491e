package io.fleetlb.analysis.imports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetlb.analysis.input.InputException;
import io.fleetlb.analysis.input.Run;
import io.fleetlb.analysis.input.RunReader;
import io.fleetlb.analysis.input.Source;
import io.fleetlb.results.RunHeader;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * An AIPerf run as a run: the per-request records of {@code profile_export.jsonl} (profiling phase
 * only, in order of request start) and, when it is beside them, {@code profile_export_aiperf.json}
 * for the setup and the benchmark duration. AIPerf's {@code ttft}, {@code request_latency} and
 * {@code inter_chunk_latency} are our TTFT, E2EL and ITL gaps, its {@code output_sequence_length}
 * our output tokens (reasoning tokens included, as the usage count is); TPOT is recomputed ((E2EL -
 * TTFT) / (output tokens - 1)), which is AIPerf's {@code inter_token_latency}. AIPerf's TTFT starts
 * at the first response with content, ours at the first chunk with choices: on a vLLM stream the
 * difference is the role-only first chunk, typically well under a millisecond.
 */
public final class AiPerf {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  static final String SUMMARY = "profile_export_aiperf.json";
  static final String RECORDS = "profile_export.jsonl";

  private AiPerf() {}

  /** Whether a JSON document is AIPerf's summary export. */
  public static boolean looksLike(Path file, JsonNode doc) {
    return doc != null
        && doc.isObject()
        && (file.getFileName().toString().equals(SUMMARY)
            || doc.has("input_config") && (doc.has("records") || doc.has("benchmark_duration")));
  }

  /** Whether a JSON-lines file holds AIPerf per-request records. */
  public static boolean isRecordsFile(Path file) {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String first = in.readLine();
      if (first == null) {
        return false;
      }
      JsonNode n = MAPPER.readTree(first);
      return n.path("metadata").isObject() && n.has("metrics");
    } catch (IOException e) {
      return false;
    }
  }

  /** Reads the run from either file of an AIPerf export. */
  public static Run read(Path file) {
    boolean isSummary = !file.getFileName().toString().endsWith(".jsonl");
    Path records = isSummary ? file.resolveSibling(RECORDS) : file;
    Path summary = isSummary ? file : file.resolveSibling(SUMMARY);
    if (!Files.isRegularFile(records)) {
      throw InputException.unreadable(
          records
              + ": not found (compare needs AIPerf's per-request records, "
              + RECORDS
              + ", beside "
              + file.getFileName()
              + ")");
    }
    JsonNode sum =
        Files.isRegularFile(summary) ? RunReader.readJson(summary) : MAPPER.createObjectNode();
    List<JsonNode> rows = profiling(records);
    if (rows.isEmpty()) {
      throw InputException.unreadable(records + ": no records of the profiling phase");
    }
    JsonNode endpoint = sum.path("input_config").path("endpoint");
    String model = endpoint.path("model_names").path(0).asText("");
    ImportedRun run = new ImportedRun(Source.AIPERF, records);
    long t0 = rows.stream().mapToLong(AiPerf::start).min().orElse(0);
    long end = t0;
    for (JsonNode r : rows) {
      JsonNode m = r.path("metrics");
      boolean ok = r.path("error").isNull() || r.path("error").isMissingNode();
      double ttft = ms(m.path("ttft").isObject() ? m.path("ttft") : m.path("time_to_first_token"));
      double e2el = ms(m.path("request_latency"));
      ok &= !Double.isNaN(ttft) && !Double.isNaN(e2el);
      JsonNode gaps = m.path("inter_chunk_latency");
      double[] itl = new double[gaps.path("value").isArray() ? gaps.path("value").size() : 0];
      double scale = toMs(gaps.path("unit").asText("ms"));
      for (int k = 0; k < itl.length; k++) {
        itl[k] = gaps.path("value").get(k).asDouble() * scale;
      }
      int out = m.path("output_sequence_length").path("value").asInt(itl.length + 1);
      int in = m.path("input_sequence_length").path("value").asInt(-1);
      JsonNode err = r.path("error");
      String error =
          ok
              ? null
              : err.isObject()
                  ? (err.path("type").asText("error")
                          + " "
                          + err.path("code").asText("")
                          + ": "
                          + err.path("message").asText(""))
                      .strip()
                  : "no latency recorded";
      long start = start(r) - t0;
      end = Math.max(end, start(r) + (ok ? Math.round(e2el * 1e6) : 0));
      run.request(
          model, ok, error, ok ? 200 : err.path("code").asInt(0), start, ttft, e2el, itl, out, in);
    }
    double duration = metric(sum, "benchmark_duration");
    if (Double.isNaN(duration)) {
      duration = (end - t0) / 1e9;
    }
    JsonNode loadgen = sum.path("input_config").path("loadgen");
    Double rate =
        loadgen.path("request_rate").isNumber()
            ? loadgen.path("request_rate").asDouble()
            : Double.POSITIVE_INFINITY;
    RunHeader header =
        new RunHeader(
            sum.path("start_time").asText(null),
            endpoint.path("type").asText(null),
            "aiperf",
            "aiperf",
            model,
            null,
            rows.size(),
            rate,
            null,
            loadgen.path("concurrency").isInt() ? loadgen.path("concurrency").asInt() : null);
    Run r =
        run.build(
            header,
            Math.max(duration, 1e-9),
            endpoint.path("url").asText(""),
            sum.path("aiperf_version").asText(""));
    return r;
  }

  private static List<JsonNode> profiling(Path file) {
    List<JsonNode> rows = new ArrayList<>();
    int lineNo = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        JsonNode n = MAPPER.readTree(line);
        JsonNode meta = n.path("metadata");
        String phase =
            meta.path("benchmark_phase").asText(meta.path("credit_phase").asText("profiling"));
        if (!phase.toLowerCase(Locale.ROOT).startsWith("profiling")) {
          continue;
        }
        if (!(meta.path("request_start_ns").isNumber() || meta.path("timestamp_ns").isNumber())) {
          throw InputException.unreadable(
              file + ":" + lineNo + ": metadata.timestamp_ns is missing");
        }
        rows.add(n);
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw InputException.unreadable(
          file + ":" + lineNo + ": not valid JSON (" + e.getOriginalMessage() + ")");
    } catch (IOException e) {
      throw InputException.unreadable(file + ": cannot read (" + RunReader.describe(e) + ")");
    }
    rows.sort(Comparator.comparingLong(AiPerf::start));
    return rows;
  }

  private static long start(JsonNode r) {
    JsonNode meta = r.path("metadata");
    return meta.path("request_start_ns").isNumber()
        ? meta.path("request_start_ns").asLong()
        : meta.path("timestamp_ns").asLong();
  }

  /** A {@code {value, unit}} metric in milliseconds, NaN when absent. */
  static double ms(JsonNode metric) {
    return metric.path("value").isNumber()
        ? metric.path("value").asDouble() * toMs(metric.path("unit").asText("ms"))
        : Double.NaN;
  }

  static double toMs(String unit) {
    return switch (unit) {
      case "ns" -> 1e-6;
      case "us" -> 1e-3;
      case "s", "sec" -> 1e3;
      default -> 1;
    };
  }

  /**
   * A summary metric's {@code avg} in seconds (its unit converted), under {@code records} or at the
   * top.
   */
  private static double metric(JsonNode sum, String tag) {
    JsonNode m =
        sum.path("records").path(tag).isObject() ? sum.path("records").path(tag) : sum.path(tag);
    if (!m.path("avg").isNumber()) {
      return Double.NaN;
    }
    return m.path("avg").asDouble() * toMs(m.path("unit").asText("sec")) / 1000;
  }
}
