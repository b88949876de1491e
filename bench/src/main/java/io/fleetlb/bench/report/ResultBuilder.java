package io.fleetlb.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetlb.bench.BenchVersion;
import io.fleetlb.bench.metrics.Breakdowns;
import io.fleetlb.bench.metrics.CoreMetrics;
import io.fleetlb.bench.metrics.Definitions;
import io.fleetlb.bench.metrics.Intended;
import io.fleetlb.bench.metrics.RequestOutcome;
import io.fleetlb.bench.metrics.Stats;
import io.fleetlb.bench.metrics.SteadyState;
import io.fleetlb.bench.metrics.TimeSeries;
import io.fleetlb.bench.metrics.Validity;
import io.fleetlb.bench.replay.ReplayEngine;
import io.fleetlb.bench.telemetry.TelemetrySummary;
import io.fleetlb.results.BenchInfo;
import io.fleetlb.results.ConnectionFigures;
import io.fleetlb.results.FileNames;
import io.fleetlb.results.LatencyStats;
import io.fleetlb.results.ModelBalance;
import io.fleetlb.results.RunHeader;
import io.fleetlb.results.RunHeadline;
import io.fleetlb.results.RunResult;
import io.fleetlb.results.RunTotals;
import io.fleetlb.results.SessionFigures;
import io.fleetlb.results.TelemetryFigures;
import io.fleetlb.results.ValidityReport;
import io.fleetlb.results.WorkloadInfo;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Builds a run's {@link RunResult} from its recording: {@code vllm bench serve}'s figures with its
 * semantics, then ours (validity, intended-time latency, schedule lag, steady state, breakdowns,
 * balance, per-second series, telemetry, definitions). docs/bench-format.md lists every key.
 */
public final class ResultBuilder {
  private static final DateTimeFormatter VLLM_DATE = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  private ResultBuilder() {}

  public static RunResult build(
      RunInfo info,
      ReplayEngine.Recording rec,
      List<ObjectNode> telemetry,
      long telemetryIntervalNs) {
    List<RequestOutcome> all = rec.outcomes();
    double durationS = Math.max(rec.durationNs(), 1) / 1e9;
    List<Double> ps = info.metricPercentiles();
    CoreMetrics m = CoreMetrics.compute(all, durationS, ps, info.goodput());
    ObjectNode header = info.workloadHeader();
    ValidityReport validity = Validity.assess(all, info.thresholds(), rec.poolWaits());
    Map<String, String> known = TelemetrySummary.replicaModels(telemetry);
    Map<String, ModelBalance> balance = Breakdowns.balance(all, known);
    long span = all.stream().mapToLong(RequestOutcome::scheduledNs).max().orElse(0);
    long warm = info.warmupNs() != null ? info.warmupNs() : span / 10;
    long cool = info.cooldownNs() != null ? info.cooldownNs() : span / 10;
    Stats.Summary lag = Intended.scheduleLag(all, withDefaults(ps));
    Map<String, Double> stats = LatencyStats.map();
    putSelected(stats, info, header, m);
    Intended.ttft(all, ps).putInto(stats, "ttft_intended");
    Intended.e2el(all, ps).putInto(stats, "e2el_intended");
    lag.putInto(stats, "schedule_lag");
    stats.put("max_schedule_lag_ms", lag.max());
    Map<String, Double> sendDelay = LatencyStats.map();
    Intended.sendDelay(all, withDefaults(ps)).putInto(sendDelay, "send_delay");
    boolean sampled = telemetry != null && !telemetry.isEmpty();
    TelemetryFigures t =
        sampled
            ? TelemetrySummary.summarize(
                telemetry,
                telemetryIntervalNs,
                m.outputThroughput(),
                m.totalOutputTokens(),
                info.telemetryFile())
            : null;
    return new RunResult(
        new RunHeader(
            Instant.ofEpochMilli(rec.t0EpochMillis())
                .atZone(ZoneId.systemDefault())
                .format(VLLM_DATE),
            info.backend(),
            info.backend(),
            info.label() != null ? info.label() : info.backend(),
            String.join(",", modelNames(header)),
            null,
            all.size(),
            rate(header.path("request_rate")),
            rate(header.path("burstiness")),
            info.maxConcurrency()),
        info.metadata(),
        new RunTotals(
            durationS,
            m.completed(),
            m.failed(),
            m.totalInputTokens(),
            m.totalOutputTokens(),
            m.requestThroughput(),
            m.requestGoodput(),
            info.goodput(),
            m.outputThroughput(),
            m.totalTokenThroughput(),
            m.maxOutputTokensPerS(),
            m.maxConcurrentRequests()),
        info.saveDetailed() ? Detailed.of(all) : null,
        stats,
        new RunHeadline(
            validity.valid(),
            validity.hasFailures(),
            header.path("content_sha256").asText(),
            validity.offeredRate(),
            validity.achievedRate(),
            worst(balance, true),
            worst(balance, false)),
        validity,
        benchInfo(info, rec),
        workloadInfo(info, header),
        SteadyState.compute(all, warm, span - cool, ps, info.goodput()),
        Breakdowns.byKey(all, RequestOutcome::model, durationS, ps, info.goodput()),
        Breakdowns.byKey(all, RequestOutcome::className, durationS, ps, info.goodput()),
        Breakdowns.perReplica(all, known, durationS, ps, info.goodput()),
        balance,
        new ConnectionFigures(
            rec.connectionsOpened(),
            info.poolSize(),
            rec.poolWaits(),
            rec.staleRetries(),
            sendDelay),
        TimeSeries.perSecond(all, durationS),
        t,
        new FileNames(info.requestsFile(), sampled ? info.telemetryFile() : null),
        Definitions.block(),
        sessions(all));
  }

  /** The sessions block, or null when no request is a turn of a session. */
  public static SessionFigures sessions(List<RequestOutcome> all) {
    if (all.stream().noneMatch(r -> r.sessionId() != null)) {
      return null;
    }
    int sessions = 0;
    int turns = 0;
    int dependent = 0;
    int failed = 0;
    int afterFailure = 0;
    for (RequestOutcome r : all) {
      if (r.sessionId() == null) {
        continue;
      }
      turns++;
      sessions += r.dependent() ? 0 : 1;
      dependent += r.dependent() ? 1 : 0;
      failed += r.success() ? 0 : 1;
      afterFailure += r.afterFailedTurn() ? 1 : 0;
    }
    return new SessionFigures(sessions, turns, dependent, failed, afterFailure);
  }

  /** vLLM's statistics of the metrics {@code --percentile-metrics} selected. */
  private static void putSelected(
      Map<String, Double> stats, RunInfo info, ObjectNode header, CoreMetrics m) {
    List<String> sel = info.percentileMetrics();
    if (sel.contains("ttft")) {
      m.ttft().putInto(stats, "ttft");
    }
    if (sel.contains("tpot")) {
      m.tpot().putInto(stats, "tpot");
    }
    if (sel.contains("itl")) {
      m.itl().putInto(stats, "itl");
    }
    if (sel.contains("e2el")) {
      m.e2el().putInto(stats, "e2el");
    }
    if (info.maxConcurrency() != null && sel.contains("client_queue_time")) {
      m.clientQueueTime().putInto(stats, "client_queue_time");
    }
    if (info.maxConcurrency() != null
        && sel.contains("e2el_including_client_queue")
        && !"inf".equals(header.path("request_rate").asText())) {
      m.e2elIncludingClientQueue().putInto(stats, "e2el_including_client_queue");
    }
  }

  /** The lag is always reported at p50, p90, p99 and p99.9 whatever --metric-percentiles says. */
  private static List<Double> withDefaults(List<Double> ps) {
    TreeSet<Double> s = new TreeSet<>(ps);
    s.addAll(List.of(50.0, 90.0, 99.0, 99.9));
    return List.copyOf(s);
  }

  /**
   * The lowest Jain index or the highest CV over models whose requests are all attributed; null if
   * none.
   */
  private static Double worst(Map<String, ModelBalance> balance, boolean jain) {
    Double w = null;
    for (ModelBalance b : balance.values()) {
      if (b.jainIndex() != null && b.replicas() > 0 && b.unattributed() == 0) {
        double v = jain ? b.jainIndex() : b.cv();
        w = w == null ? v : jain ? Math.min(w, v) : Math.max(w, v);
      }
    }
    return w;
  }

  private static Double rate(JsonNode n) {
    return n.isNumber()
        ? n.asDouble()
        : n.isTextual() && n.asText().equals("inf") ? Double.POSITIVE_INFINITY : null;
  }

  private static BenchInfo benchInfo(RunInfo info, ReplayEngine.Recording rec) {
    return new BenchInfo(
        BenchVersion.NAME,
        BenchVersion.VERSION,
        BenchInfo.FORMAT_VERSION,
        info.url(),
        info.endpoint(),
        Instant.ofEpochMilli(rec.t0EpochMillis()).toString(),
        rec.t0EpochMillis(),
        info.numWarmups(),
        System.getProperty("java.version"),
        BenchVersion.garbageCollectors(),
        Runtime.getRuntime().availableProcessors());
  }

  private static WorkloadInfo workloadInfo(RunInfo info, ObjectNode header) {
    return new WorkloadInfo(
        info.workloadPath(),
        header.path("content_sha256").asText(),
        header.path("seed").isNumber() ? header.path("seed").asLong() : null,
        header.path("num_requests").isNumber() ? header.path("num_requests").asInt() : null,
        header.path("span_s").isNumber() ? header.path("span_s").asDouble() : null,
        header.path("generator").deepCopy(),
        header.path("dataset").deepCopy(),
        header.path("settings").deepCopy());
  }

  private static List<String> modelNames(ObjectNode header) {
    List<String> names = new ArrayList<>();
    header.path("models").forEach(n -> names.add(n.asText()));
    return names;
  }
}
