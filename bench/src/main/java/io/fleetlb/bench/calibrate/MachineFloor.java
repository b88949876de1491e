package io.fleetlb.bench.calibrate;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The machine's own timing floor: the gaps a thread that does nothing but read the monotonic clock
 * sees between two consecutive readings (time the thread did not run: preemption, interrupts,
 * hypervisor steal, safepoints). A generator cannot keep time better than this; a schedule lag the
 * floor explains is the machine's, one beyond it is the generator's.
 *
 * <p>Besides the largest and the p99.9 gap (by count: almost all readings are tens of ns apart), it
 * reports the <em>floor lag</em>: the lag a perfect generator would see for a request due at a
 * random instant, which is the rest of the gap that instant falls in. It is the figure comparable
 * to schedule-lag percentiles: a gap of length g holds a share g/T of the time T, and the lag of an
 * instant in it is spread evenly over [0, g].
 */
public final class MachineFloor {
  private MachineFloor() {}

  /** What one busy-looping thread (or several at once, merged) saw. */
  public record Gaps(int threads, long durationNs, Histogram histogram) {
    public long samples() {
      return histogram.getTotalCount();
    }

    public long maxGapNs() {
      return histogram.getTotalCount() == 0 ? 0 : histogram.getMaxValue();
    }

    /** The gap at percentile {@code p} of all readings (by count). */
    public long gapAtPercentileNs(double p) {
      return histogram.getValueAtPercentile(p);
    }

    /**
     * The lag a request due at a uniformly random instant would wait for this thread to run again:
     * the smallest x such that the share of time with a remaining gap above x is at most 1 - p/100.
     */
    public double floorLagAtPercentileNs(double p) {
      return floorLag(histogram, totalGapNs(), p);
    }

    /** The share of the time spent in gaps longer than {@code ns}. */
    public double shareOfTimeInGapsAbove(long ns) {
      double total = totalGapNs();
      if (total <= 0) {
        return 0;
      }
      double above = 0;
      for (HistogramIterationValue v : histogram.recordedValues()) {
        long g = histogram.highestEquivalentValue(v.getValueIteratedTo());
        if (g > ns) {
          above += (double) g * v.getCountAtValueIteratedTo();
        }
      }
      return above / total;
    }

    private double totalGapNs() {
      double sum = 0;
      for (HistogramIterationValue v : histogram.recordedValues()) {
        sum +=
            (double) histogram.highestEquivalentValue(v.getValueIteratedTo())
                * v.getCountAtValueIteratedTo();
      }
      return sum;
    }

    ObjectNode toJson() {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      o.put("threads", threads);
      o.put("duration_s", durationNs / 1e9);
      o.put("readings", samples());
      o.put("max_gap_ms", maxGapNs() / 1e6);
      o.put("p999_gap_ms", gapAtPercentileNs(99.9) / 1e6);
      o.put("p99_floor_lag_ms", floorLagAtPercentileNs(99) / 1e6);
      o.put("p999_floor_lag_ms", floorLagAtPercentileNs(99.9) / 1e6);
      o.put("share_of_time_in_gaps_over_100us", shareOfTimeInGapsAbove(100_000));
      return o;
    }

    String describe() {
      return String.format(
          Locale.ROOT,
          "%d thread%s x %.1f s: largest gap %.3f ms, p99.9 gap %.4f ms; floor lag p99 %.3f"
              + " p99.9 %.3f ms; %.3f%% of the time in gaps over 0.1 ms",
          threads,
          threads == 1 ? "" : "s",
          durationNs / 1e9,
          maxGapNs() / 1e6,
          gapAtPercentileNs(99.9) / 1e6,
          floorLagAtPercentileNs(99) / 1e6,
          floorLagAtPercentileNs(99.9) / 1e6,
          100 * shareOfTimeInGapsAbove(100_000));
    }
  }

  /**
   * Reads {@code clock} in a tight loop for {@code durationNs} and records every gap between two
   * consecutive readings.
   */
  public static Histogram busyLoop(LongSupplier clock, long durationNs) {
    Histogram h = new Histogram(3_600_000_000_000L, 3);
    long start = clock.getAsLong();
    long end = start + durationNs;
    long prev = start;
    while (true) {
      long now = clock.getAsLong();
      h.recordValue(Math.max(0, now - prev));
      if (now - end >= 0) {
        return h;
      }
      prev = now;
    }
  }

  /** One thread busy-looping on {@link System#nanoTime()}. */
  public static Gaps oneThread(long durationNs) {
    return new Gaps(1, durationNs, busyLoop(System::nanoTime, durationNs));
  }

  /** {@code threads} threads busy-looping at once (every core busy), their gaps merged. */
  public static Gaps allThreads(int threads, long durationNs) throws InterruptedException {
    Histogram[] results = new Histogram[threads];
    Thread[] running = new Thread[threads];
    for (int i = 0; i < threads; i++) {
      int slot = i;
      running[i] =
          new Thread(
              () -> results[slot] = busyLoop(System::nanoTime, durationNs), "bench-floor-" + i);
      running[i].setDaemon(true);
      running[i].start();
    }
    Histogram merged = new Histogram(3_600_000_000_000L, 3);
    for (int i = 0; i < threads; i++) {
      running[i].join();
      merged.add(results[i]);
    }
    return new Gaps(threads, durationNs, merged);
  }

  /** The time-weighted residual-gap percentile, see {@link Gaps#floorLagAtPercentileNs}. */
  static double floorLag(Histogram h, double totalNs, double p) {
    if (totalNs <= 0) {
      return 0;
    }
    double allowed = (1 - p / 100.0) * totalNs; // time (ns) that may lag beyond the answer
    // the time with remaining gap > x is the sum over gaps g > x of (g - x): decreasing in x
    List<long[]> gaps = new ArrayList<>();
    for (HistogramIterationValue v : h.recordedValues()) {
      gaps.add(
          new long[] {
            h.highestEquivalentValue(v.getValueIteratedTo()), v.getCountAtValueIteratedTo()
          });
    }
    // walk the distinct gap lengths from the largest down, keeping the sum of (g - x) linear in x
    double count = 0;
    double sum = 0;
    for (int i = gaps.size() - 1; i >= 0; i--) {
      long g = gaps.get(i)[0];
      long n = gaps.get(i)[1];
      double lower = i > 0 ? gaps.get(i - 1)[0] : 0;
      count += n;
      sum += (double) g * n;
      // for x in [lower, g]: time above x = sum - count * x
      double atLower = sum - count * lower;
      if (atLower > allowed) {
        return Math.max(lower, (sum - allowed) / count);
      }
    }
    return 0;
  }
}
