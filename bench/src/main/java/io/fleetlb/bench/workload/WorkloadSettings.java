package io.fleetlb.bench.workload;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Every setting that shapes a workload, validated; written verbatim into the workload header so a
 * file documents exactly how it was made (and the same settings and seed make the same bytes).
 */
public record WorkloadSettings(
    DatasetSettings dataset,
    List<ModelShare> models,
    List<RequestClass> classes,
    String endpoint,
    ArrivalSettings arrivals,
    SamplingSettings sampling,
    PrefixRepetitionSettings prefixRepetition,
    SessionSettings sessions,
    long seed) {

  /** Which dataset and its parameters (vLLM's flag names). */
  public record DatasetSettings(
      String name,
      String path,
      Integer numPrompts,
      int randomInputLen,
      int randomOutputLen,
      double randomRangeRatio,
      int randomPrefixLen,
      String inputLenDist,
      String outputLenDist,
      int sonnetInputLen,
      int sonnetOutputLen,
      int sonnetPrefixLen,
      Integer sharegptOutputLen,
      double traceTimeScale,
      String traceTimeUnit) {}

  /** The arrival process (vLLM's flag names) and the concurrency cap replay applies. */
  public record ArrivalSettings(
      double requestRate,
      double burstiness,
      String arrivalPattern,
      String rampUpStrategy,
      Double rampUpStartRps,
      Double rampUpEndRps,
      Integer maxConcurrency) {}

  /**
   * vLLM's {@code prefix_repetition} dataset: {@code numPrefixes} shared prefixes of {@code
   * prefixLen} tokens, each followed by its own {@code suffixLen} random tokens; every request asks
   * for {@code outputLen} tokens.
   */
  public record PrefixRepetitionSettings(
      int prefixLen, int suffixLen, int numPrefixes, int outputLen) {}

  /**
   * Multi-turn sessions (GenAI-Perf's and AIPerf's flag names): how many conversations, the normal
   * distribution of their turn counts and of the think time (ms) between an answer's end and the
   * next turn; null sessions means single requests.
   */
  public record SessionSettings(
      Integer numSessions,
      double turnsMean,
      double turnsStddev,
      double turnDelayMeanMs,
      double turnDelayStddevMs) {}

  /** Body fields beyond model, prompt and length. */
  public record SamplingSettings(
      boolean ignoreEos, Double temperature, Double topP, Integer topK, String extraBody) {}

  public WorkloadSettings {
    models = List.copyOf(models);
    classes = List.copyOf(classes);
  }

  public boolean isChat() {
    return endpoint.endsWith("/chat/completions");
  }

  /** The settings as the ordered JSON object stored in the header. */
  public ObjectNode toJson() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode o = f.objectNode();
    o.put("dataset_name", dataset.name());
    o.put("dataset_path", dataset.path());
    putNullable(o, "num_prompts", dataset.numPrompts());
    var ms = o.putArray("models");
    for (ModelShare m : models) {
      ObjectNode mo = ms.addObject();
      mo.put("name", m.name());
      mo.put("weight", m.weight());
      var mc = mo.putArray("classes");
      m.classes().forEach(c -> mc.add(c.canonical()));
    }
    var cs = o.putArray("classes");
    classes.forEach(c -> cs.add(c.canonical()));
    o.put("endpoint", endpoint);
    o.put("random_input_len", dataset.randomInputLen());
    o.put("random_output_len", dataset.randomOutputLen());
    o.put("random_range_ratio", dataset.randomRangeRatio());
    o.put("random_prefix_len", dataset.randomPrefixLen());
    o.put("input_len_dist", dataset.inputLenDist());
    o.put("output_len_dist", dataset.outputLenDist());
    o.put("sonnet_input_len", dataset.sonnetInputLen());
    o.put("sonnet_output_len", dataset.sonnetOutputLen());
    o.put("sonnet_prefix_len", dataset.sonnetPrefixLen());
    putNullable(o, "sharegpt_output_len", dataset.sharegptOutputLen());
    o.put("trace_time_scale", dataset.traceTimeScale());
    o.put("trace_time_unit", dataset.traceTimeUnit());
    putRate(o, "request_rate", arrivals.requestRate());
    putRate(o, "burstiness", arrivals.burstiness());
    o.put("arrival_pattern", arrivals.arrivalPattern());
    o.put("ramp_up_strategy", arrivals.rampUpStrategy());
    putNullable(o, "ramp_up_start_rps", arrivals.rampUpStartRps());
    putNullable(o, "ramp_up_end_rps", arrivals.rampUpEndRps());
    putNullable(o, "max_concurrency", arrivals.maxConcurrency());
    o.put("ignore_eos", sampling.ignoreEos());
    putNullable(o, "temperature", sampling.temperature());
    putNullable(o, "top_p", sampling.topP());
    putNullable(o, "top_k", sampling.topK());
    o.put("extra_body", sampling.extraBody());
    // keys of the newer generators appear only when used, so older workloads keep their bytes
    if (prefixRepetition != null) {
      o.put("prefix_repetition_prefix_len", prefixRepetition.prefixLen());
      o.put("prefix_repetition_suffix_len", prefixRepetition.suffixLen());
      o.put("prefix_repetition_num_prefixes", prefixRepetition.numPrefixes());
      o.put("prefix_repetition_output_len", prefixRepetition.outputLen());
    }
    if (sessions != null) {
      putNullable(o, "num_sessions", sessions.numSessions());
      o.put("session_turns_mean", sessions.turnsMean());
      o.put("session_turns_stddev", sessions.turnsStddev());
      o.put("session_turn_delay_mean", sessions.turnDelayMeanMs());
      o.put("session_turn_delay_stddev", sessions.turnDelayStddevMs());
    }
    o.put("seed", seed);
    return o;
  }

  /** vLLM writes an infinite rate as the string "inf". */
  static void putRate(ObjectNode o, String key, double v) {
    if (Double.isInfinite(v)) {
      o.put(key, "inf");
    } else {
      o.put(key, v);
    }
  }

  private static void putNullable(ObjectNode o, String key, Number v) {
    if (v == null) {
      o.putNull(key);
    } else if (v instanceof Double) {
      o.put(key, v.doubleValue());
    } else {
      o.put(key, v.longValue());
    }
  }
}
