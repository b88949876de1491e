package io.fleetlb.bench.metrics;

import io.fleetlb.results.PerSecondSeries;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * Per-second series on the run's clock (second k covers [k, k+1) s after the schedule's zero):
 * offered (scheduled) versus sent requests, completions, failures, output tokens emitted, mean
 * requests in flight, TTFT and schedule-lag percentiles (HdrHistogram, 3 significant digits) and
 * completions per replica. The per-second view shows where a run fell behind or a replica stalled,
 * which whole-run figures hide.
 */
public final class TimeSeries {
  private TimeSeries() {}

  public static PerSecondSeries perSecond(List<RequestOutcome> all, double durationS) {
    int bins = Math.max(1, (int) Math.ceil(durationS));
    double[] offered = new double[bins];
    double[] sent = new double[bins];
    double[] completed = new double[bins];
    double[] failed = new double[bins];
    double[] tokens = new double[bins];
    double[] inFlight = new double[bins];
    PerBin ttft = new PerBin(all.size());
    PerBin lag = new PerBin(all.size());
    Map<String, double[]> perReplica = new TreeMap<>();
    for (RequestOutcome r : all) {
      inc(offered, r.scheduledNs(), 1);
      if (r.arrivalNs() >= 0) {
        inc(sent, r.arrivalNs(), 1);
        lag.add(bin(r.arrivalNs(), bins), r.scheduleLagNs());
      }
      if (r.doneNs() >= 0) {
        inc(r.success() ? completed : failed, r.doneNs(), 1);
      }
      if (r.startNs() >= 0 && r.doneNs() >= 0) {
        spread(inFlight, r.startNs(), r.doneNs());
      }
      if (r.success()) {
        ttft.add(bin(r.firstTokenNs(), bins), r.ttftNs());
        double perEvent = r.tokenEvents() == 0 ? 0 : r.outputTokens() / (double) r.tokenEvents();
        long t = r.firstTokenNs();
        inc(tokens, t, perEvent);
        for (long gap : r.itlNs()) {
          t += gap;
          inc(tokens, t, perEvent);
        }
        String id = r.replica() == null ? Breakdowns.UNATTRIBUTED : r.replica();
        inc(perReplica.computeIfAbsent(id, k -> new double[bins]), r.doneNs(), 1);
      }
    }
    int[] seconds = new int[bins];
    for (int i = 0; i < bins; i++) {
      seconds[i] = i;
    }
    List<List<Double>> ttftPs = ttft.percentiles(bins, new double[] {50, 99});
    List<List<Double>> lagPs = lag.percentiles(bins, new double[] {99});
    return new PerSecondSeries(
        1,
        seconds,
        offered,
        sent,
        completed,
        failed,
        tokens,
        inFlight,
        ttftPs.get(0),
        ttftPs.get(1),
        lagPs.get(0),
        perReplica);
  }

  private static int bin(long tNs, int bins) {
    return (int) Math.max(0, Math.min(bins - 1, Math.floorDiv(tNs, 1_000_000_000L)));
  }

  private static void inc(double[] a, long tNs, double v) {
    a[bin(tNs, a.length)] += v;
  }

  /** Adds the overlap, in seconds, of [from, to) with each one-second bin. */
  private static void spread(double[] a, long fromNs, long toNs) {
    for (long s = Math.max(0, Math.floorDiv(fromNs, 1_000_000_000L)); s < a.length; s++) {
      long lo = Math.max(fromNs, s * 1_000_000_000L);
      long hi = Math.min(toNs, (s + 1) * 1_000_000_000L);
      if (hi <= lo) {
        if (s * 1_000_000_000L >= toNs) {
          break;
        }
        continue;
      }
      a[(int) s] += (hi - lo) / 1e9;
    }
  }

  /**
   * Values tagged with their second, packed as (second << 32 | microseconds) and sorted, then read
   * back second by second through one reused HdrHistogram: memory stays proportional to the number
   * of requests however long the run.
   */
  private static final class PerBin {
    private long[] packed;
    private int n;

    PerBin(int capacity) {
      packed = new long[Math.max(16, capacity)];
    }

    void add(int bin, long valueNs) {
      if (n == packed.length) {
        packed = java.util.Arrays.copyOf(packed, n * 2);
      }
      long us = Math.min(0xFFFF_FFFFL, Math.max(0, valueNs / 1000));
      packed[n++] = ((long) bin << 32) | us;
    }

    /** Per percentile, its value in each second in ms (null for a second without values). */
    List<List<Double>> percentiles(int bins, double[] ps) {
      java.util.Arrays.sort(packed, 0, n);
      List<List<Double>> out = new ArrayList<>();
      for (int k = 0; k < ps.length; k++) {
        out.add(new ArrayList<>(bins));
      }
      Histogram h = new Histogram(3);
      int i = 0;
      for (int b = 0; b < bins; b++) {
        h.reset();
        while (i < n && (int) (packed[i] >>> 32) == b) {
          h.recordValue(packed[i] & 0xFFFF_FFFFL);
          i++;
        }
        for (int k = 0; k < ps.length; k++) {
          out.get(k).add(h.getTotalCount() == 0 ? null : h.getValueAtPercentile(ps[k]) / 1e3);
        }
      }
      return out;
    }
  }
}
