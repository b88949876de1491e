package io.fleetlb.analysis.imports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetlb.analysis.input.InputException;
import io.fleetlb.analysis.input.Run;
import io.fleetlb.analysis.input.Source;
import io.fleetlb.results.RunHeader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A GenAI-Perf {@code profile_export.json} (perf_analyzer's per-request export, OpenAI service
 * kind) as a run. Each request's {@code timestamp} is its start and each entry of {@code
 * response_outputs} arrived at the matching {@code response_timestamps} entry; the SSE messages in
 * it are read with vLLM's definitions (a token event is a {@code data:} JSON with a non-empty
 * {@code choices} array, the role-only first chunk included; output tokens come from the usage
 * chunk, else the token events are counted), so TTFT and ITL here match what our bench would have
 * measured on the same stream (GenAI-Perf's own TTFT skips chunks without content). The duration is
 * GenAI-Perf's: last response minus first request.
 */
public final class GenAiPerf {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private GenAiPerf() {}

  public static boolean looksLike(JsonNode doc) {
    return doc != null
        && doc.isObject()
        && doc.path("experiments").isArray()
        && doc.path("experiments").path(0).path("requests").isArray();
  }

  /** The file named by {@code profile_export.json#N}, without the experiment selector. */
  public static Path withoutSelector(Path file) {
    String name = file.getFileName().toString();
    int hash = name.lastIndexOf('#');
    return hash > 0 && name.substring(hash + 1).matches("\\d+")
        ? file.resolveSibling(name.substring(0, hash))
        : file;
  }

  private static int selector(Path file) {
    String name = file.getFileName().toString();
    int hash = name.lastIndexOf('#');
    return hash > 0 && name.substring(hash + 1).matches("\\d+")
        ? Integer.parseInt(name.substring(hash + 1))
        : -1;
  }

  public static Run read(Path file, JsonNode doc) {
    Path plain = withoutSelector(file);
    JsonNode exps = doc.path("experiments");
    int pick = selector(file);
    if (pick < 0 && exps.size() > 1) {
      List<String> which = new ArrayList<>();
      for (int k = 0; k < exps.size(); k++) {
        JsonNode e = exps.get(k).path("experiment");
        which.add("#" + k + " " + e.path("mode").asText("?") + " " + e.path("value").asText("?"));
      }
      throw InputException.unreadable(
          plain
              + ": holds "
              + exps.size()
              + " experiments ("
              + String.join(", ", which)
              + "); compare one at a time, e.g. "
              + plain
              + "#0");
    }
    if (pick >= exps.size()) {
      throw InputException.unreadable(
          plain + ": has no experiment #" + pick + " (it has " + exps.size() + ")");
    }
    if (!doc.path("service_kind").asText("openai").equals("openai")) {
      throw InputException.unreadable(
          plain
              + ": service_kind '"
              + doc.path("service_kind").asText()
              + "' is not supported; only OpenAI-compatible endpoints (service_kind openai)");
    }
    JsonNode exp = exps.get(Math.max(0, pick));
    JsonNode reqs = exp.path("requests");
    long t0 = Long.MAX_VALUE;
    long tEnd = Long.MIN_VALUE;
    for (JsonNode r : reqs) {
      t0 = Math.min(t0, r.path("timestamp").asLong());
      for (JsonNode ts : r.path("response_timestamps")) {
        tEnd = Math.max(tEnd, ts.asLong());
      }
    }
    if (reqs.isEmpty()) {
      throw InputException.unreadable(plain + ": the experiment has no requests");
    }
    ImportedRun run = new ImportedRun(Source.GENAI_PERF, plain);
    String model = "";
    for (int i = 0; i < reqs.size(); i++) {
      JsonNode r = reqs.get(i);
      String m = payloadModel(r.path("request_inputs").path("payload"));
      model = model.isEmpty() ? m : model;
      readRequest(run, r, m, t0, plain, i);
    }
    JsonNode e = exp.path("experiment");
    Double rate =
        e.path("mode").asText().equals("request_rate") ? e.path("value").asDouble() : null;
    Integer concurrency =
        e.path("mode").asText().equals("concurrency") ? e.path("value").asInt() : null;
    RunHeader header =
        new RunHeader(
            null,
            doc.path("endpoint").asText(null),
            "genai-perf",
            "genai-perf",
            model,
            null,
            reqs.size(),
            rate == null ? Double.POSITIVE_INFINITY : rate,
            null,
            concurrency);
    return run.build(header, Math.max(1, tEnd - t0) / 1e9, "", doc.path("version").asText(""));
  }

  private static void readRequest(
      ImportedRun run, JsonNode r, String model, long t0, Path file, int i) {
    long start = r.path("timestamp").asLong();
    JsonNode times = r.path("response_timestamps");
    JsonNode outputs = r.path("response_outputs");
    if (times.size() != outputs.size()) {
      throw InputException.unreadable(
          file
              + ": request "
              + i
              + " has "
              + times.size()
              + " response_timestamps but "
              + outputs.size()
              + " response_outputs");
    }
    List<Long> events = new ArrayList<>();
    int completionTokens = -1;
    int promptTokens = -1;
    String error = null;
    for (int k = 0; k < outputs.size(); k++) {
      String text = outputs.get(k).path("response").asText("");
      for (JsonNode msg : SseMessages.parse(text)) {
        if (msg.has("error")) {
          error =
              "error in stream: "
                  + msg.path("error").path("message").asText(msg.path("error").toString());
        } else if (msg.path("choices").isArray() && !msg.path("choices").isEmpty()) {
          events.add(times.get(k).asLong());
        }
        if (msg.path("usage").isObject()) {
          completionTokens = msg.path("usage").path("completion_tokens").asInt(completionTokens);
          promptTokens = msg.path("usage").path("prompt_tokens").asInt(promptTokens);
        }
      }
    }
    boolean ok = error == null && !events.isEmpty();
    double[] itl = new double[Math.max(0, events.size() - 1)];
    for (int k = 1; k < events.size(); k++) {
      itl[k - 1] = (events.get(k) - events.get(k - 1)) / 1e6;
    }
    double ttft = ok ? (events.get(0) - start) / 1e6 : Double.NaN;
    double e2el = ok ? (events.get(events.size() - 1) - start) / 1e6 : Double.NaN;
    run.request(
        model,
        ok,
        error != null ? error : "no token event in the response",
        ok ? 200 : 0,
        start - t0,
        ttft,
        e2el,
        itl,
        completionTokens >= 0 ? completionTokens : events.size(),
        promptTokens);
  }

  private static String payloadModel(JsonNode payload) {
    try {
      JsonNode p = payload.isTextual() ? MAPPER.readTree(payload.asText()) : payload;
      return p.path("model").asText("");
    } catch (java.io.IOException e) {
      return "";
    }
  }
}
