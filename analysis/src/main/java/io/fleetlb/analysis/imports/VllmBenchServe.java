package io.fleetlb.analysis.imports;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetlb.analysis.input.InputException;
import io.fleetlb.analysis.input.Run;
import io.fleetlb.analysis.input.Source;
import io.fleetlb.results.NumpyStats;
import io.fleetlb.results.RequestRecord;
import io.fleetlb.results.RunHeader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A {@code vllm bench serve --save-result --save-detailed} result JSON as a run. Its per-request
 * arrays, in the order of the dataset's samples, become the records: {@code ttfts}, {@code
 * latencies} (else TTFT + the sum of the gaps, as vLLM's timeline plot does) and {@code itls} in
 * seconds, {@code output_lens}, {@code input_lens}, {@code errors}; a request succeeded when it has
 * no error and a positive latency (vLLM leaves zeros for failed ones). Its own percentiles are
 * checked against ours, recomputed from the arrays the way numpy does.
 */
public final class VllmBenchServe {
  private VllmBenchServe() {}

  /** Whether a document is a vllm bench serve result (with or without the per-request arrays). */
  public static boolean looksLike(JsonNode doc) {
    return doc != null
        && doc.isObject()
        && doc.has("duration")
        && doc.has("completed")
        && (doc.has("endpoint_type") || doc.has("backend"))
        && !doc.has("bench");
  }

  public static Run read(Path file, JsonNode doc) {
    if (!doc.path("ttfts").isArray()
        || !doc.path("itls").isArray()
        || !doc.path("output_lens").isArray()) {
      throw InputException.unreadable(
          file
              + ": a vllm bench serve result without per-request arrays (ttfts, itls, output_lens):"
              + " compare needs them; run vllm bench serve with --save-result --save-detailed");
    }
    int n = doc.path("ttfts").size();
    for (String key : List.of("itls", "output_lens", "input_lens", "latencies", "errors")) {
      JsonNode a = doc.get(key);
      if (a != null && a.isArray() && a.size() != n) {
        throw InputException.unreadable(
            file + ": " + key + " has " + a.size() + " entries but ttfts has " + n);
      }
    }
    String model = doc.path("model_id").asText("");
    ImportedRun run = new ImportedRun(Source.VLLM_BENCH_SERVE, file);
    JsonNode starts = doc.get("start_times");
    double t0 = Double.POSITIVE_INFINITY;
    if (starts != null && starts.isArray()) {
      for (JsonNode s : starts) {
        t0 = Math.min(t0, s.asDouble());
      }
    }
    for (int i = 0; i < n; i++) {
      double ttft = doc.path("ttfts").get(i).asDouble() * 1000;
      JsonNode gaps = doc.path("itls").get(i);
      double[] itl = new double[gaps.isArray() ? gaps.size() : 0];
      double sum = 0;
      for (int k = 0; k < itl.length; k++) {
        itl[k] = gaps.get(k).asDouble() * 1000;
        sum += gaps.get(k).asDouble();
      }
      JsonNode lat = doc.path("latencies").get(i);
      double e2el = lat != null && lat.isNumber() ? lat.asDouble() * 1000 : ttft + sum * 1000;
      String error = doc.path("errors").path(i).asText("");
      boolean ok = error.isEmpty() && e2el > 0;
      JsonNode in = doc.path("input_lens").path(i);
      long start =
          starts != null && starts.isArray()
              ? Math.round((starts.get(i).asDouble() - t0) * 1e9)
              : -1;
      run.request(
          model,
          ok,
          ok ? null : error.isEmpty() ? "failed (no error text recorded)" : oneLine(error),
          ok ? 200 : 0,
          start,
          ttft,
          e2el,
          itl,
          doc.path("output_lens").get(i).asInt(),
          in.isNumber() ? in.asInt() : -1);
    }
    check(run, doc, n);
    RunHeader header =
        new RunHeader(
            doc.path("date").asText(null),
            doc.path("endpoint_type").asText(null),
            doc.path("backend").asText(null),
            doc.path("label").isTextual()
                ? doc.path("label").asText()
                : doc.path("backend").asText("vllm bench serve"),
            model,
            doc.path("tokenizer_id").asText(null),
            n,
            rate(doc.path("request_rate")),
            rate(doc.path("burstiness")),
            doc.path("max_concurrency").isInt() ? doc.path("max_concurrency").asInt() : null);
    return run.build(header, doc.path("duration").asDouble(), doc.path("base_url").asText(""), "");
  }

  /**
   * Compares the file's own figures with ours recomputed from its arrays; a mismatch is a warning.
   */
  private static void check(ImportedRun run, JsonNode doc, int n) {
    List<RequestRecord> rs = run.records();
    long completed = rs.stream().filter(RequestRecord::success).count();
    if (doc.path("completed").isNumber() && doc.path("completed").asLong() != completed) {
      run.warn(
          "the file says "
              + doc.path("completed").asLong()
              + " requests completed, its arrays show "
              + completed);
    }
    List<Double> ttft = new ArrayList<>();
    rs.stream().filter(RequestRecord::success).forEach(r -> ttft.add(r.ttft()));
    double[] t = ttft.stream().mapToDouble(Double::doubleValue).toArray();
    for (var e : (Iterable<java.util.Map.Entry<String, JsonNode>>) doc::fields) {
      String k = e.getKey();
      if (t.length > 0 && k.matches("p[0-9.]+_ttft_ms") && e.getValue().isNumber()) {
        double p = Double.parseDouble(k.substring(1, k.length() - 8));
        double ours = NumpyStats.percentile(t, p);
        if (Math.abs(ours - e.getValue().asDouble()) > 1e-6 * Math.max(1, Math.abs(ours))) {
          run.warn(
              String.format(
                  Locale.ROOT,
                  "the file's %s is %.3f, recomputed from its arrays %.3f",
                  k,
                  e.getValue().asDouble(),
                  ours));
        }
      }
    }
  }

  static Double rate(JsonNode n) {
    if (n.isNumber()) {
      return n.asDouble();
    }
    return n.isTextual() && n.asText().equalsIgnoreCase("inf") ? Double.POSITIVE_INFINITY : null;
  }

  /**
   * One line of an error text: the last non-blank one (a Python traceback ends with the exception).
   */
  static String oneLine(String s) {
    String line =
        s.lines().map(String::strip).filter(l -> !l.isEmpty()).reduce((a, b) -> b).orElse("");
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
