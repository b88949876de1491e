package io.fleetlb.analysis.compare;

import io.fleetlb.analysis.stats.Interval;
import io.fleetlb.results.NumpyStats;
import io.fleetlb.results.RequestRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Request-by-request differences: for each workload index that succeeded at least once in each arm,
 * its latency averaged over the arm's repetitions, managed minus baseline. Summarised as the mean
 * (with a paired bootstrap interval), median and quartiles of the differences, and the share of
 * requests the managed arm served faster.
 */
public final class PairedDeltas {
  /** The summary for one latency. */
  public record Summary(
      String key,
      String label,
      int pairs,
      double meanMs,
      Interval meanCi95,
      double medianMs,
      double p25Ms,
      double p75Ms,
      double fasterPct,
      double slowerPct) {}

  private PairedDeltas() {}

  static List<Summary> compute(Arm baseline, Arm managed, long seed, int iterations) {
    List<Summary> out = new ArrayList<>();
    out.add(one("ttft_ms", "TTFT", RequestRecord::ttft, baseline, managed, seed, iterations));
    out.add(one("tpot_ms", "TPOT", RequestRecord::tpot, baseline, managed, seed, iterations));
    out.add(
        one("e2el_ms", "E2E latency", RequestRecord::e2el, baseline, managed, seed, iterations));
    return out;
  }

  private static Summary one(
      String key,
      String label,
      ToDoubleFunction<RequestRecord> f,
      Arm b,
      Arm m,
      long seed,
      int iterations) {
    int n = b.requests;
    double[][] vb = table(b, f);
    double[][] vm = table(m, f);
    Draw ob = Draw.observed(b.reps, n);
    Draw om = Draw.observed(m.reps, n);
    double[] d = deltas(vb, vm, ob, om, n);
    double[] finite = Arrays.stream(d).filter(x -> !Double.isNaN(x)).sorted().toArray();
    if (finite.length == 0) {
      return new Summary(
          key,
          label,
          0,
          Double.NaN,
          null,
          Double.NaN,
          Double.NaN,
          Double.NaN,
          Double.NaN,
          Double.NaN);
    }
    Resampler rs = new Resampler(seed ^ 0x5DEECE66DL, b.reps, m.reps, n);
    double[] means = new double[iterations];
    for (int it = 0; it < iterations; it++) {
      Draw[] dr = rs.next();
      double[] di = deltas(vb, vm, dr[0], dr[1], n);
      double s = 0;
      long w = 0;
      for (int i = 0; i < n; i++) {
        int c = dr[0].indexCounts[i];
        if (c != 0 && !Double.isNaN(di[i])) {
          s += c * di[i];
          w += c;
        }
      }
      means[it] = w == 0 ? Double.NaN : s / w;
    }
    long faster = Arrays.stream(finite).filter(x -> x < 0).count();
    long slower = Arrays.stream(finite).filter(x -> x > 0).count();
    return new Summary(
        key,
        label,
        finite.length,
        NumpyStats.mean(finite),
        Interval.percentile95(means),
        NumpyStats.percentileSorted(finite, 50),
        NumpyStats.percentileSorted(finite, 25),
        NumpyStats.percentileSorted(finite, 75),
        100.0 * faster / finite.length,
        100.0 * slower / finite.length);
  }

  /** [rep][index] -> value, NaN where the request failed or the value is undefined. */
  private static double[][] table(Arm a, ToDoubleFunction<RequestRecord> f) {
    double[][] t = new double[a.reps][a.requests];
    for (int r = 0; r < a.reps; r++) {
      RequestRecord[] recs = a.runs.get(r).requests();
      for (int i = 0; i < a.requests; i++) {
        t[r][i] = recs[i].success() ? f.applyAsDouble(recs[i]) : Double.NaN;
      }
    }
    return t;
  }

  private static double[] deltas(double[][] vb, double[][] vm, Draw db, Draw dm, int n) {
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = repMean(vm, dm.repCounts, i) - repMean(vb, db.repCounts, i);
    }
    return d;
  }

  private static double repMean(double[][] v, int[] counts, int i) {
    double s = 0;
    int c = 0;
    for (int r = 0; r < v.length; r++) {
      if (counts[r] != 0 && !Double.isNaN(v[r][i])) {
        s += counts[r] * v[r][i];
        c += counts[r];
      }
    }
    return c == 0 ? Double.NaN : s / c;
  }
}
