package io.fleetlb.bench.metrics;

import io.fleetlb.results.NumpyStats;
import io.fleetlb.results.ValidityReport;
import io.fleetlb.results.ValidityReport.LagGate;
import io.fleetlb.results.ValidityReport.Thresholds;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Whether the run measured what it claims. An open-loop run is invalid when its generator fell
 * behind: requests reached the wire later than scheduled by more than the gate allows, or it sent
 * less than the minimum fraction (99%) of the offered rate. The lateness gate is judged in
 * proportion to what was measured and on a percentile the run has enough requests for
 * (docs/bench.md, "Validity"). Failed requests are a separate flag: they are a property of the
 * server under test, not of the measurement.
 */
public final class Validity {
  /** Requests that must lie above the lag percentile the gate uses. */
  static final int TAIL_SAMPLES = 10;

  private Validity() {}

  /** The default gates: 1 ms of lag, or up to 10% of the median TTFT; 99% of the offered rate. */
  public static Thresholds defaults() {
    return new Thresholds(1.0, 0.10, 0.99);
  }

  /**
   * Offered rate: requests over the schedule's span; NaN for a closed loop (everything due at 0).
   * Only requests due at fixed offsets count: a session's later turns are due when their previous
   * turn ends (closed loop within the session), so they are neither offered nor achieved rate.
   */
  public static double offeredRate(List<RequestOutcome> all) {
    List<RequestOutcome> fixed = scheduled(all);
    long span = fixed.stream().mapToLong(RequestOutcome::scheduledNs).max().orElse(0);
    return span <= 0 ? Double.NaN : fixed.size() / (span / 1e9);
  }

  /** Achieved rate: requests that reached an event loop over the time the last one did. */
  public static double achievedRate(List<RequestOutcome> all) {
    List<RequestOutcome> fixed = scheduled(all);
    long last = fixed.stream().mapToLong(RequestOutcome::arrivalNs).max().orElse(0);
    long sent = fixed.stream().filter(r -> r.arrivalNs() >= 0).count();
    return last <= 0 ? Double.NaN : sent / (last / 1e9);
  }

  private static List<RequestOutcome> scheduled(List<RequestOutcome> all) {
    return all.stream().filter(r -> !r.dependent()).toList();
  }

  /**
   * The lag percentile the gate judges for {@code n} requests: the highest of 99, 95, 90 and 50
   * with at least ten requests above it, so that one or two stragglers do not decide a run.
   */
  static double gatePercentile(int n) {
    for (double p : new double[] {99, 95, 90}) {
      if (n * (100 - p) / 100 >= TAIL_SAMPLES - 1e-9) {
        return p;
      }
    }
    return 50;
  }

  public static ValidityReport assess(List<RequestOutcome> all, Thresholds t, long poolWaits) {
    List<String> reasons = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    double offered = offeredRate(all);
    double achieved = achievedRate(all);
    boolean openLoop = !Double.isNaN(offered);
    double[] lags =
        all.stream()
            .filter(r -> r.arrivalNs() >= 0)
            .mapToDouble(r -> r.scheduleLagNs() / 1e6)
            .sorted()
            .toArray();
    double p99Lag = lags.length == 0 ? 0 : NumpyStats.percentileSorted(lags, 99);
    LagGate gate = null;
    if (openLoop && lags.length > 0) {
      gate = lagGate(all, lags, t);
      if (gate.verdict().equals("invalid")) {
        reasons.add(lagMessage(gate, t, true));
      } else if (gate.verdict().equals("warning")) {
        warnings.add(lagMessage(gate, t, false));
      }
      double ratio = achieved / offered;
      if (!(ratio >= t.minAchievedRatio())) {
        reasons.add(
            String.format(
                Locale.ROOT,
                "achieved %.2f req/s is %.2f%% of the offered %.2f req/s (minimum "
                    + "%.2f%%; change it with --min-achieved-ratio)",
                achieved,
                100 * ratio,
                offered,
                100 * t.minAchievedRatio()));
      }
    }
    long notSent = all.stream().filter(r -> r.arrivalNs() < 0).count();
    if (notSent > 0) {
      reasons.add(notSent + " requests were never sent (the run was interrupted)");
    }
    long failed = all.stream().filter(r -> !r.success()).count();
    long noUsage = all.stream().filter(r -> r.success() && r.usageMissing()).count();
    long noDone = all.stream().filter(r -> r.success() && !r.doneMarker()).count();
    if (noUsage > 0) {
      warnings.add(
          noUsage
              + " successful responses carried no usage chunk; their output tokens were counted "
              + "as token events (the server or router dropped stream_options.include_usage)");
    }
    if (noDone > 0) {
      warnings.add(noDone + " successful streams ended without 'data: [DONE]'");
    }
    if (poolWaits > 0) {
      warnings.add(
          poolWaits + " requests waited for a pooled connection (--max-connections caps the pool)");
    }
    return new ValidityReport(
        reasons.isEmpty(),
        reasons,
        warnings,
        openLoop,
        finite(offered),
        finite(achieved),
        openLoop ? finite(achieved / offered) : null,
        p99Lag,
        gate,
        t,
        failed > 0,
        failed,
        all.isEmpty() ? 0 : failed / (double) all.size(),
        topErrors(all));
  }

  private static LagGate lagGate(List<RequestOutcome> all, double[] sortedLags, Thresholds t) {
    double p = gatePercentile(sortedLags.length);
    double lag = NumpyStats.percentileSorted(sortedLags, p);
    double[] ttfts =
        all.stream().filter(RequestOutcome::success).mapToDouble(r -> r.ttftNs() / 1e6).toArray();
    Arrays.sort(ttfts);
    double medianTtft = ttfts.length == 0 ? Double.NaN : NumpyStats.percentileSorted(ttfts, 50);
    double share = t.maxScheduleLagShare() == null ? 0 : t.maxScheduleLagShare();
    double proportional = Double.isNaN(medianTtft) ? 0 : share * medianTtft;
    double limit = Math.max(t.maxScheduleLagMs(), proportional);
    String verdict = lag <= t.maxScheduleLagMs() ? "ok" : lag <= limit ? "warning" : "invalid";
    return new LagGate(p, sortedLags.length, lag, finite(medianTtft), limit, verdict);
  }

  private static String lagMessage(LagGate g, Thresholds t, boolean invalid) {
    String what =
        String.format(
            Locale.ROOT,
            "p%s schedule lag %.3f ms (%d requests) exceeds --max-schedule-lag-ms %s",
            NumpyStats.percentileWord(g.percentile()),
            g.valueMs(),
            g.samples(),
            num(t.maxScheduleLagMs()));
    double share = t.maxScheduleLagShare() == null ? 0 : t.maxScheduleLagShare();
    if (!invalid) {
      return what
          + String.format(
              Locale.ROOT,
              " but is %.1f%% of the median TTFT (%.1f ms), within --max-schedule-lag-share %s:"
                  + " small against what was measured, so the run stays valid",
              100 * g.valueMs() / g.medianTtftMs(),
              g.medianTtftMs(),
              num(share));
    }
    // 100 x 0.07 is 7.000000000000001 in binary floating point: six significant digits are plenty
    double pct = new BigDecimal(100 * share).round(new MathContext(6)).doubleValue();
    String rel =
        g.medianTtftMs() == null || share == 0
            ? ""
            : String.format(
                Locale.ROOT, " and %s%% of the median TTFT (%.1f ms)", num(pct), g.medianTtftMs());
    return what
        + rel
        + ": the generator fell behind the schedule; if that lateness is acceptable for this "
        + "measurement, raise --max-schedule-lag-ms or --max-schedule-lag-share";
  }

  private static String num(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  private static Double finite(double v) {
    return Double.isNaN(v) || Double.isInfinite(v) ? null : v;
  }

  /** The ten most frequent error messages with their counts. */
  static Map<String, Long> topErrors(List<RequestOutcome> all) {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (RequestOutcome r : all) {
      if (!r.success()) {
        counts.merge(r.error() == null ? "unknown error" : r.error(), 1L, Long::sum);
      }
    }
    Map<String, Long> top = new LinkedHashMap<>();
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(10)
        .forEach(e -> top.put(e.getKey(), e.getValue()));
    return top;
  }
}
