package io.fleetlb.sim.engine;

import java.util.Arrays;

/**
 * A fixed-bucket histogram with Prometheus semantics, written by the engine thread and read by
 * scrapes.
 */
public final class Histogram {

  private final double[] bounds;
  private final long[] counts;
  private long count;
  private double sum;

  /** Creates a histogram with these upper bounds (ascending, {@code +Inf} implied). */
  public Histogram(double... bounds) {
    this.bounds = bounds.clone();
    for (int i = 1; i < bounds.length; i++) {
      if (!(bounds[i] > bounds[i - 1])) {
        throw new IllegalArgumentException("bucket bounds must ascend: " + Arrays.toString(bounds));
      }
    }
    this.counts = new long[bounds.length + 1];
  }

  /** Records one observation. */
  public synchronized void observe(double value) {
    int i = Arrays.binarySearch(bounds, value);
    int bucket = i >= 0 ? i : -i - 1;
    counts[bucket]++;
    count++;
    sum += value;
  }

  /** A consistent copy: cumulative bucket counts (last one is {@code +Inf}), count and sum. */
  public synchronized Snapshot snapshot() {
    long[] cumulative = new long[counts.length];
    long running = 0;
    for (int i = 0; i < counts.length; i++) {
      running += counts[i];
      cumulative[i] = running;
    }
    return new Snapshot(bounds.clone(), cumulative, count, sum);
  }

  /**
   * An immutable view of the histogram.
   *
   * @param bounds finite upper bounds
   * @param cumulative cumulative counts, one per bound plus the {@code +Inf} bucket
   * @param count observations
   * @param sum sum of observations
   */
  public record Snapshot(double[] bounds, long[] cumulative, long count, double sum) {}
}
