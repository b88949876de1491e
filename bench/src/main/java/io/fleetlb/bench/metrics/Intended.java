package io.fleetlb.bench.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Latency measured from when each request was due rather than when it was sent (the
 * coordinated-omission-free view, as wrk2 reports it): TTFT and E2EL intended, and the schedule lag
 * itself. Equal to vLLM's figures when the generator keeps perfect time.
 */
public final class Intended {
  private Intended() {}

  public static Stats.Summary ttft(List<RequestOutcome> rs, List<Double> percentiles) {
    List<Double> v = new ArrayList<>();
    for (RequestOutcome r : rs) {
      if (r.success()) {
        v.add((r.firstTokenNs() - r.scheduledNs()) / 1e6);
      }
    }
    return Stats.summarize(CoreMetrics.toArray(v), percentiles);
  }

  public static Stats.Summary e2el(List<RequestOutcome> rs, List<Double> percentiles) {
    List<Double> v = new ArrayList<>();
    for (RequestOutcome r : rs) {
      if (r.success()) {
        v.add((r.lastTokenNs() - r.scheduledNs()) / 1e6);
      }
    }
    return Stats.summarize(CoreMetrics.toArray(v), percentiles);
  }

  /** Schedule lag of every request that reached an event loop, failed or not. */
  public static Stats.Summary scheduleLag(List<RequestOutcome> rs, List<Double> percentiles) {
    List<Double> v = new ArrayList<>();
    for (RequestOutcome r : rs) {
      if (r.arrivalNs() >= 0) {
        v.add(r.scheduleLagNs() / 1e6);
      }
    }
    return Stats.summarize(CoreMetrics.toArray(v), percentiles);
  }

  /** Time from start to a written request on a connection (connection acquisition and write). */
  public static Stats.Summary sendDelay(List<RequestOutcome> rs, List<Double> percentiles) {
    List<Double> v = new ArrayList<>();
    for (RequestOutcome r : rs) {
      if (r.sentNs() >= 0 && r.startNs() >= 0) {
        v.add((r.sentNs() - r.startNs()) / 1e6);
      }
    }
    return Stats.summarize(CoreMetrics.toArray(v), percentiles);
  }
}
