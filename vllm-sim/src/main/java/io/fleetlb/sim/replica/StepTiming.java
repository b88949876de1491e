package io.fleetlb.sim.replica;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * How faithfully the real-time driver keeps the engine's virtual schedule.
 *
 * <p>Two distortions are recorded: step lateness (how late the driver thread woke up after a step's
 * intended end) and token delivery lag (from a step's intended end to the moment its token is
 * handed to the connection). Both would be zero on an infinitely fast machine.
 */
public final class StepTiming {

  private static final long MAX_MICROS = 60_000_000L;

  private final Histogram lateness = new ConcurrentHistogram(MAX_MICROS, 3);
  private final Histogram delivery = new ConcurrentHistogram(MAX_MICROS, 3);

  void recordLateness(long nanos) {
    lateness.recordValue(clamp(nanos));
  }

  void recordDelivery(long nanos) {
    delivery.recordValue(clamp(nanos));
  }

  private static long clamp(long nanos) {
    return Math.min(MAX_MICROS, Math.max(0, nanos / 1000));
  }

  /** Forgets everything recorded so far (start of a measurement). */
  public void reset() {
    lateness.reset();
    delivery.reset();
  }

  /** Percentiles in microseconds, for {@code GET /sim/timing}. */
  public Map<String, Object> summary() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("steps", lateness.getTotalCount());
    out.put("step_lateness_us", percentiles(lateness));
    out.put("deliveries", delivery.getTotalCount());
    out.put("token_delivery_lag_us", percentiles(delivery));
    return out;
  }

  private static Map<String, Object> percentiles(Histogram h) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("p50", h.getValueAtPercentile(50));
    p.put("p90", h.getValueAtPercentile(90));
    p.put("p99", h.getValueAtPercentile(99));
    p.put("p99.9", h.getValueAtPercentile(99.9));
    p.put("max", h.getMaxValue());
    return p;
  }
}
