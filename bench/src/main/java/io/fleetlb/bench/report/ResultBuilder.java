package io.fleetlb.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetlb.bench.BenchVersion;
import io.fleetlb.bench.metrics.Breakdowns;
import io.fleetlb.bench.metrics.CoreMetrics;
import io.fleetlb.bench.metrics.Definitions;
import io.fleetlb.bench.metrics.Intended;
import io.fleetlb.bench.metrics.JsonKeys;
import io.fleetlb.bench.metrics.RequestOutcome;
import io.fleetlb.bench.metrics.Stats;
import io.fleetlb.bench.metrics.SteadyState;
import io.fleetlb.bench.metrics.TimeSeries;
import io.fleetlb.bench.metrics.Validity;
import io.fleetlb.bench.replay.ReplayEngine;
import io.fleetlb.bench.telemetry.TelemetrySummary;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * Builds the result JSON: first {@code vllm bench serve}'s keys in its order and with its
 * semantics, then ours (validity, intended-time latency, schedule lag, steady state, breakdowns,
 * balance, per-second series, telemetry, definitions). docs/bench-format.md lists every key.
 */
public final class ResultBuilder {
  private static final DateTimeFormatter VLLM_DATE = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  private ResultBuilder() {
  }

  public static ObjectNode build(RunInfo info, ReplayEngine.Recording rec, List<ObjectNode> telemetry,
      long telemetryIntervalNs) {
    List<RequestOutcome> all = rec.outcomes();
    double durationS = Math.max(rec.durationNs(), 1) / 1e9;
    List<Double> ps = info.metricPercentiles();
    CoreMetrics m = CoreMetrics.compute(all, durationS, ps, info.goodput());
    ObjectNode header = info.workloadHeader();
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("date", Instant.ofEpochMilli(rec.t0EpochMillis()).atZone(ZoneId.systemDefault()).format(VLLM_DATE));
    o.put("endpoint_type", info.backend());
    o.put("backend", info.backend());
    o.put("label", info.label() != null ? info.label() : info.backend());
    o.put("model_id", String.join(",", modelNames(header)));
    o.putNull("tokenizer_id");
    o.put("num_prompts", all.size());
    info.metadata().forEach(o::put);
    o.set("request_rate", header.path("request_rate").deepCopy());
    o.set("burstiness", header.path("burstiness").deepCopy());
    if (info.maxConcurrency() == null) {
      o.putNull("max_concurrency");
    } else {
      o.put("max_concurrency", info.maxConcurrency());
    }
    o.put("duration", durationS);
    o.put("completed", m.completed());
    o.put("failed", m.failed());
    o.put("total_input_tokens", m.totalInputTokens());
    o.put("total_output_tokens", m.totalOutputTokens());
    o.put("request_throughput", m.requestThroughput());
    if (m.requestGoodput() == null) {
      o.putNull("request_goodput");
    } else {
      o.put("request_goodput", m.requestGoodput());
    }
    o.put("output_throughput", m.outputThroughput());
    o.put("total_token_throughput", m.totalTokenThroughput());
    o.put("max_output_tokens_per_s", m.maxOutputTokensPerS());
    o.put("max_concurrent_requests", m.maxConcurrentRequests());
    if (info.saveDetailed()) {
      Detailed.put(o, all);
    }
    List<String> sel = info.percentileMetrics();
    if (sel.contains("ttft")) {
      JsonKeys.putSummary(o, "ttft", m.ttft());
    }
    if (sel.contains("tpot")) {
      JsonKeys.putSummary(o, "tpot", m.tpot());
    }
    if (sel.contains("itl")) {
      JsonKeys.putSummary(o, "itl", m.itl());
    }
    if (sel.contains("e2el")) {
      JsonKeys.putSummary(o, "e2el", m.e2el());
    }
    if (info.maxConcurrency() != null && sel.contains("client_queue_time")) {
      JsonKeys.putSummary(o, "client_queue_time", m.clientQueueTime());
    }
    if (info.maxConcurrency() != null && sel.contains("e2el_including_client_queue")
        && !"inf".equals(header.path("request_rate").asText())) {
      JsonKeys.putSummary(o, "e2el_including_client_queue", m.e2elIncludingClientQueue());
    }
    ObjectNode validity = Validity.assess(all, info.thresholds(), rec.poolWaits());
    // ours, flat so scripts (compare.sh) read them like vLLM's keys
    o.put("valid", validity.path("valid").asBoolean());
    o.put("has_failures", validity.path("has_failures").asBoolean());
    o.put("workload_hash", header.path("content_sha256").asText());
    o.set("offered_rate", validity.path("offered_rate").deepCopy());
    o.set("achieved_rate", validity.path("achieved_rate").deepCopy());
    JsonKeys.putSummary(o, "ttft_intended", Intended.ttft(all, ps));
    JsonKeys.putSummary(o, "e2el_intended", Intended.e2el(all, ps));
    List<Double> lagPs = withDefaults(ps);
    Stats.Summary lag = Intended.scheduleLag(all, lagPs);
    JsonKeys.putSummary(o, "schedule_lag", lag);
    o.put("max_schedule_lag_ms", lag.max());
    ObjectNode balance = Breakdowns.balance(all, TelemetrySummary.replicaModels(telemetry));
    putBalanceHeadline(o, balance);
    o.set("validity", validity);
    o.set("bench", benchBlock(info, rec));
    o.set("workload", workloadBlock(info, header));
    long span = all.stream().mapToLong(RequestOutcome::scheduledNs).max().orElse(0);
    long warm = info.warmupNs() != null ? info.warmupNs() : span / 10;
    long cool = info.cooldownNs() != null ? info.cooldownNs() : span / 10;
    o.set("steady_state", SteadyState.compute(all, warm, span - cool, ps, info.goodput()));
    Map<String, String> known = TelemetrySummary.replicaModels(telemetry);
    o.set("per_model", Breakdowns.byKey(all, RequestOutcome::model, durationS, ps, info.goodput()));
    o.set("per_class", Breakdowns.byKey(all, RequestOutcome::className, durationS, ps, info.goodput()));
    o.set("per_replica", Breakdowns.perReplica(all, known, durationS, ps, info.goodput()));
    o.set("balance", balance);
    ObjectNode conn = o.putObject("connections");
    conn.put("opened", rec.connectionsOpened());
    conn.put("pool_size", info.poolSize());
    conn.put("pool_waits", rec.poolWaits());
    conn.put("stale_retries", rec.staleRetries());
    JsonKeys.putSummary(conn, "send_delay", Intended.sendDelay(all, lagPs));
    o.set("timeseries", TimeSeries.perSecond(all, durationS));
    if (telemetry != null && !telemetry.isEmpty()) {
      ObjectNode t = TelemetrySummary.summarize(telemetry, telemetryIntervalNs, m.outputThroughput(), m.totalOutputTokens());
      t.put("file", info.telemetryFile());
      o.set("telemetry", t);
    } else {
      o.putNull("telemetry");
    }
    ObjectNode files = o.putObject("files");
    files.put("requests", info.requestsFile());
    files.put("telemetry", telemetry == null || telemetry.isEmpty() ? null : info.telemetryFile());
    o.set("definitions", Definitions.block());
    return o;
  }

  /** The lag is always reported at p50, p90, p99 and p99.9 whatever --metric-percentiles says. */
  private static List<Double> withDefaults(List<Double> ps) {
    java.util.TreeSet<Double> s = new java.util.TreeSet<>(ps);
    s.addAll(List.of(50.0, 90.0, 99.0, 99.9));
    return List.copyOf(s);
  }

  private static void putBalanceHeadline(ObjectNode o, ObjectNode balance) {
    double minJain = Double.NaN;
    double maxCv = Double.NaN;
    for (JsonNode b : balance) {
      if (b.path("jain_index").isNumber() && b.path("replicas").asInt() > 0 && b.path("unattributed").asInt() == 0) {
        minJain = Double.isNaN(minJain) ? b.path("jain_index").asDouble() : Math.min(minJain, b.path("jain_index").asDouble());
        maxCv = Double.isNaN(maxCv) ? b.path("cv").asDouble() : Math.max(maxCv, b.path("cv").asDouble());
      }
    }
    if (Double.isNaN(minJain)) {
      o.putNull("balance_jain_index_min");
      o.putNull("balance_cv_max");
    } else {
      o.put("balance_jain_index_min", minJain);
      o.put("balance_cv_max", maxCv);
    }
  }

  private static ObjectNode benchBlock(RunInfo info, ReplayEngine.Recording rec) {
    ObjectNode b = JsonNodeFactory.instance.objectNode();
    b.put("name", BenchVersion.NAME);
    b.put("version", BenchVersion.VERSION);
    b.put("result_format_version", 1);
    b.put("url", info.url());
    b.put("endpoint", info.endpoint());
    b.put("started_at", Instant.ofEpochMilli(rec.t0EpochMillis()).toString());
    b.put("t0_epoch_ms", rec.t0EpochMillis());
    b.put("num_warmups", info.numWarmups());
    b.put("java", System.getProperty("java.version"));
    b.put("gc", BenchVersion.garbageCollectors());
    b.put("cpus", Runtime.getRuntime().availableProcessors());
    return b;
  }

  private static ObjectNode workloadBlock(RunInfo info, ObjectNode header) {
    ObjectNode w = JsonNodeFactory.instance.objectNode();
    w.put("path", info.workloadPath());
    w.put("content_sha256", header.path("content_sha256").asText());
    w.set("seed", header.path("seed").deepCopy());
    w.set("num_requests", header.path("num_requests").deepCopy());
    w.set("span_s", header.path("span_s").deepCopy());
    w.set("generator", header.path("generator").deepCopy());
    w.set("dataset", header.path("dataset").deepCopy());
    w.set("settings", header.path("settings").deepCopy());
    return w;
  }

  private static List<String> modelNames(ObjectNode header) {
    List<String> names = new java.util.ArrayList<>();
    header.path("models").forEach(n -> names.add(n.asText()));
    return names;
  }
}
