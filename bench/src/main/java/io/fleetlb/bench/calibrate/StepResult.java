package io.fleetlb.bench.calibrate;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetlb.bench.metrics.Intended;
import io.fleetlb.bench.metrics.RequestOutcome;
import io.fleetlb.bench.metrics.Stats;
import io.fleetlb.bench.replay.LagAttribution;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * One calibration step at one offered rate: fidelity figures and the measurement error against the
 * known timing.
 */
final class StepResult {
  private static final List<Double> PS = List.of(50.0, 90.0, 99.0, 99.9);
  final double rate;
  final double seconds;
  final int requests;
  final double offered;
  final double achieved;
  final long failed;
  final Stats.Summary lag;
  final Stats.Summary ttftError;
  final Stats.Summary itlError;
  final Histogram serverFirstLate;
  final Histogram serverTokenLate;
  final long connections;
  final LagAttribution lags;

  StepResult(
      double rate,
      double seconds,
      int requests,
      double offered,
      double achieved,
      long failed,
      List<RequestOutcome> all,
      long ttftNs,
      long itlNs,
      Histogram serverFirstLate,
      Histogram serverTokenLate,
      long connections,
      LagAttribution lags) {
    this.rate = rate;
    this.seconds = seconds;
    this.requests = requests;
    this.offered = offered;
    this.achieved = achieved;
    this.failed = failed;
    this.lag = Intended.scheduleLag(all, PS);
    List<Double> te = new ArrayList<>();
    List<Double> ie = new ArrayList<>();
    for (RequestOutcome o : all) {
      if (o.success()) {
        te.add((o.ttftNs() - ttftNs) / 1e6);
        for (long g : o.itlNs()) {
          ie.add((g - itlNs) / 1e6);
        }
      }
    }
    this.ttftError = Stats.summarize(te.stream().mapToDouble(Double::doubleValue).toArray(), PS);
    this.itlError = Stats.summarize(ie.stream().mapToDouble(Double::doubleValue).toArray(), PS);
    this.serverFirstLate = serverFirstLate;
    this.serverTokenLate = serverTokenLate;
    this.connections = connections;
    this.lags = lags;
  }

  double ratio() {
    return achieved / offered;
  }

  boolean held(double minRatio, double maxLagMs) {
    return failed == 0 && ratio() >= minRatio && lag.percentile(99) <= maxLagMs;
  }

  ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("rate", rate);
    o.put("duration_s", seconds);
    o.put("requests", requests);
    o.put("offered_rate", offered);
    o.put("achieved_rate", achieved);
    o.put("achieved_ratio", ratio());
    o.put("failed", failed);
    o.put("connections_opened", connections);
    putSummary(o, "schedule_lag", lag);
    putSummary(o, "ttft_error", ttftError);
    putSummary(o, "itl_error", itlError);
    o.put("server_first_token_lateness_p50_ms", serverFirstLate.getValueAtPercentile(50) / 1e6);
    o.put("server_first_token_lateness_p99_ms", serverFirstLate.getValueAtPercentile(99) / 1e6);
    o.put("server_token_lateness_p50_ms", serverTokenLate.getValueAtPercentile(50) / 1e6);
    o.put("server_token_lateness_p99_ms", serverTokenLate.getValueAtPercentile(99) / 1e6);
    Histogram pacer = lags.pacerLate();
    Histogram hand = lags.handOff();
    o.put("p99_pacer_late_ms", pacer.getValueAtPercentile(99) / 1e6);
    o.put("max_pacer_late_ms", pacer.getMaxValue() / 1e6);
    o.put("p99_hand_off_ms", hand.getValueAtPercentile(99) / 1e6);
    o.put("max_hand_off_ms", hand.getMaxValue() / 1e6);
    var secs = o.putArray("lag_by_second");
    for (LagAttribution.Second sec : lags.bySecond()) {
      ObjectNode x = secs.addObject();
      x.put("second", sec.second());
      x.put("requests", sec.requests());
      x.put("p99_lag_ms", sec.p99LagNs() / 1e6);
      x.put("max_lag_ms", sec.maxLagNs() / 1e6);
    }
    var worst = o.putArray("worst_lags");
    for (LagAttribution.Late l : lags.worst()) {
      ObjectNode w = worst.addObject();
      w.put("due_at_jvm_uptime_s", l.uptimeSeconds());
      w.put("due_at_monotonic_ns", l.dueMonotonicNs());
      w.put("lag_ms", l.lagNs() / 1e6);
      w.put("pacer_late_ms", l.pacerLateNs() / 1e6);
    }
    return o;
  }

  private static void putSummary(ObjectNode o, String name, Stats.Summary s) {
    o.put("mean_" + name + "_ms", s.mean());
    for (double p : PS) {
      o.put(
          "p" + io.fleetlb.results.NumpyStats.percentileWord(p) + "_" + name + "_ms",
          s.percentile(p));
    }
    o.put("max_" + name + "_ms", s.max());
  }

  String describe(String tag) {
    return String.format(
            Locale.ROOT,
            "%s %7.0f req/s x %.0f s: achieved %8.1f (%6.2f%%), lag p50 %.3f p99 %.3f max %.3f ms,"
                + " TTFT err p50 %.3f p99 %.3f ms (server late p99 %.3f), ITL err p50 %.3f p99 %.3f"
                + " ms, failed %d, connections %d",
            tag,
            rate,
            seconds,
            achieved,
            100 * ratio(),
            lag.median(),
            lag.percentile(99),
            lag.max(),
            ttftError.median(),
            ttftError.percentile(99),
            serverFirstLate.getValueAtPercentile(99) / 1e6,
            itlError.median(),
            itlError.percentile(99),
            failed,
            connections)
        + worst();
  }

  /** The pacer's and the hand-off's tails and the worst lags, each at its JVM uptime. */
  private String worst() {
    StringBuilder b =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%n        lag p99.9 %.3f ms; pacer wake-up late p99 %.3f max %.3f ms, hand-off to"
                    + " the event loop p99 %.3f max %.3f ms; worst lags (ms @ JVM uptime s):",
                lag.percentile(99.9),
                lags.pacerLate().getValueAtPercentile(99) / 1e6,
                lags.pacerLate().getMaxValue() / 1e6,
                lags.handOff().getValueAtPercentile(99) / 1e6,
                lags.handOff().getMaxValue() / 1e6));
    for (LagAttribution.Late l : lags.worst()) {
      b.append(
          String.format(
              Locale.ROOT,
              " %.2f @ %.3f (pacer %.2f)",
              l.lagNs() / 1e6,
              l.uptimeSeconds(),
              l.pacerLateNs() / 1e6));
    }
    return b.toString();
  }
}
