package io.fleetlb.bench.arrival;

import io.fleetlb.bench.workload.Rng;

/**
 * Arrivals taken from a trace's own timestamps, shifted so the first one is at zero and multiplied
 * by a time scale (0.5 replays twice as fast).
 */
public final class TraceArrivals implements ArrivalProcess {
  private final long[] timestampsNanos;
  private final double timeScale;

  public TraceArrivals(long[] timestampsNanos, double timeScale) {
    if (!(timeScale > 0) || Double.isInfinite(timeScale)) {
      throw new IllegalArgumentException(
          "trace time scale must be a positive finite number, got " + timeScale);
    }
    this.timestampsNanos = timestampsNanos.clone();
    this.timeScale = timeScale;
  }

  @Override
  public long[] offsetsNanos(int n, Rng rng) {
    if (n > timestampsNanos.length) {
      throw new IllegalArgumentException(
          "the trace has " + timestampsNanos.length + " timestamps, " + n + " requested");
    }
    long[] out = new long[n];
    long first = n == 0 ? 0 : timestampsNanos[0];
    for (int i = 0; i < n; i++) {
      long delta = timestampsNanos[i] - first;
      if (i > 0 && timestampsNanos[i] < timestampsNanos[i - 1]) {
        throw new IllegalArgumentException(
            "trace timestamps must not go backwards (row " + (i + 1) + ")");
      }
      out[i] = Math.round(delta * timeScale);
    }
    return out;
  }

  @Override
  public String describe() {
    return "trace timestamps x" + timeScale;
  }
}
