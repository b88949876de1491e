package io.fleetlb.bench.metrics;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether the run measured what it claims: an open-loop run is invalid when its generator fell
 * behind (p99 schedule lag over the threshold, 1 ms by default) or sent at less than the minimum
 * fraction (99%) of the offered rate. Failed requests are a separate flag: they are a property of
 * the server under test, not of the measurement.
 */
public final class Validity {
  private Validity() {
  }

  /** The gates; the defaults are the issue's. */
  public record Thresholds(double maxP99LagMs, double minAchievedRatio) {
    public static Thresholds defaults() {
      return new Thresholds(1.0, 0.99);
    }
  }

  /** Offered rate: requests over the schedule's span; NaN for a closed loop (everything due at 0). */
  public static double offeredRate(List<RequestOutcome> all) {
    long span = all.stream().mapToLong(RequestOutcome::scheduledNs).max().orElse(0);
    return span <= 0 ? Double.NaN : all.size() / (span / 1e9);
  }

  /** Achieved rate: requests that reached an event loop over the time the last one did. */
  public static double achievedRate(List<RequestOutcome> all) {
    long last = all.stream().mapToLong(RequestOutcome::arrivalNs).max().orElse(0);
    long sent = all.stream().filter(r -> r.arrivalNs() >= 0).count();
    return last <= 0 ? Double.NaN : sent / (last / 1e9);
  }

  public static ObjectNode assess(List<RequestOutcome> all, Thresholds t, long poolWaits) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    List<String> reasons = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    double offered = offeredRate(all);
    double achieved = achievedRate(all);
    boolean openLoop = !Double.isNaN(offered);
    double p99Lag = Intended.scheduleLag(all, List.of(99.0)).percentile(99.0);
    long notSent = all.stream().filter(r -> r.arrivalNs() < 0).count();
    if (openLoop) {
      if (p99Lag > t.maxP99LagMs()) {
        reasons.add(String.format(java.util.Locale.ROOT,
            "p99 schedule lag %.3f ms exceeds %.3f ms: the generator fell behind the schedule", p99Lag, t.maxP99LagMs()));
      }
      double ratio = achieved / offered;
      if (!(ratio >= t.minAchievedRatio())) {
        reasons.add(String.format(java.util.Locale.ROOT,
            "achieved %.2f req/s is %.2f%% of the offered %.2f req/s (minimum %.2f%%)", achieved, 100 * ratio,
            offered, 100 * t.minAchievedRatio()));
      }
    }
    if (notSent > 0) {
      reasons.add(notSent + " requests were never sent (the run was interrupted)");
    }
    long failed = all.stream().filter(r -> !r.success()).count();
    long noUsage = all.stream().filter(r -> r.success() && r.usageMissing()).count();
    long noDone = all.stream().filter(r -> r.success() && !r.doneMarker()).count();
    if (noUsage > 0) {
      warnings.add(noUsage + " successful responses carried no usage chunk; their output tokens were counted "
          + "as token events (the server or router dropped stream_options.include_usage)");
    }
    if (noDone > 0) {
      warnings.add(noDone + " successful streams ended without 'data: [DONE]'");
    }
    if (poolWaits > 0) {
      warnings.add(poolWaits + " requests waited for a pooled connection (--max-connections caps the pool)");
    }
    o.put("valid", reasons.isEmpty());
    var ra = o.putArray("reasons");
    reasons.forEach(ra::add);
    var wa = o.putArray("warnings");
    warnings.forEach(wa::add);
    o.put("open_loop", openLoop);
    putNumber(o, "offered_rate", offered);
    putNumber(o, "achieved_rate", achieved);
    putNumber(o, "achieved_ratio", openLoop ? achieved / offered : Double.NaN);
    o.put("p99_schedule_lag_ms", p99Lag);
    ObjectNode th = o.putObject("thresholds");
    th.put("max_p99_schedule_lag_ms", t.maxP99LagMs());
    th.put("min_achieved_ratio", t.minAchievedRatio());
    o.put("has_failures", failed > 0);
    o.put("failed", failed);
    o.put("failure_rate", all.isEmpty() ? 0 : failed / (double) all.size());
    ObjectNode errors = o.putObject("errors");
    topErrors(all).forEach(errors::put);
    return o;
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
    counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(10)
        .forEach(e -> top.put(e.getKey(), e.getValue()));
    return top;
  }

  static void putNumber(ObjectNode o, String key, double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      o.putNull(key);
    } else {
      o.put(key, v);
    }
  }
}
