package io.fleetlb.analysis.compare;

import io.fleetlb.analysis.stats.Interval;
import io.fleetlb.analysis.stats.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * The paired bootstrap: for each resample (same workload indices in both arms, repetitions drawn as
 * pairs), every metric is recomputed in both arms and managed minus baseline recorded; the 2.5th
 * and 97.5th percentiles of those differences are the 95% interval.
 */
final class Bootstrap {
  /** One metric on one scope pair (overall or a model). */
  record Task(Metric metric, Scope baseline, Scope managed) {}

  private final long seed;
  private final int iterations;
  private final double minEffectPct;

  Bootstrap(long seed, int iterations) {
    this(seed, iterations, 0);
  }

  Bootstrap(long seed, int iterations, double minEffectPct) {
    if (iterations < 100) {
      throw new IllegalArgumentException(
          "--bootstrap must be at least 100 resamples, got " + iterations);
    }
    this.seed = seed;
    this.iterations = iterations;
    this.minEffectPct = minEffectPct;
  }

  int iterations() {
    return iterations;
  }

  List<MetricResult> run(List<Task> tasks, Arm baseline, Arm managed, boolean paired) {
    Draw ob = Draw.observed(baseline.reps, baseline.requests);
    Draw om = Draw.observed(managed.reps, managed.requests);
    double[][] abs = new double[tasks.size()][iterations];
    double[][] rel = new double[tasks.size()][iterations];
    Resampler resampler =
        new Resampler(
            seed, baseline.reps, managed.reps, baseline.requests, managed.requests, paired);
    for (int b = 0; b < iterations; b++) {
      Draw[] d = resampler.next();
      for (int t = 0; t < tasks.size(); t++) {
        Task task = tasks.get(t);
        if (task.metric().runLevel() && (baseline.reps < 2 || managed.reps < 2)) {
          continue;
        }
        double vb = task.metric().value(task.baseline(), d[0]);
        double vm = task.metric().value(task.managed(), d[1]);
        abs[t][b] = vm - vb;
        // a zero baseline leaves the relative change undefined (infinity marks it); no data is NaN
        rel[t][b] = vb == 0 ? Double.POSITIVE_INFINITY : 100 * (vm - vb) / vb;
      }
    }
    List<MetricResult> out = new ArrayList<>();
    for (int t = 0; t < tasks.size(); t++) {
      Task task = tasks.get(t);
      Metric m = task.metric();
      double vb = m.value(task.baseline(), ob);
      double vm = m.value(task.managed(), om);
      double[] repsB = perRep(m, task.baseline(), baseline);
      double[] repsM = perRep(m, task.managed(), managed);
      Interval ci = null;
      Interval ciPct = null;
      String note = null;
      if (Double.isNaN(vb) || Double.isNaN(vm)) {
        note =
            "no data in "
                + (Double.isNaN(vb) && Double.isNaN(vm)
                    ? "either arm"
                    : Double.isNaN(vb) ? "the baseline" : "the managed arm");
      } else if (m.runLevel() && (baseline.reps < 2 || managed.reps < 2)) {
        note = "a per-run figure needs at least 2 repetitions per arm for an interval";
      } else {
        ci = Interval.percentile95(abs[t]);
        ciPct = percentInterval(rel[t], ci, vb);
      }
      double deltaPct = vb == 0 ? Double.NaN : 100 * (vm - vb) / vb;
      Verdict v =
          note == null ? Verdict.of(m.direction(), ci, deltaPct, minEffectPct) : Verdict.SAME;
      out.add(new MetricResult(m, vb, vm, ci, ciPct, v, note, repsB, repsM));
    }
    return out;
  }

  /**
   * The interval of the change in percent of the baseline. When every resample had a baseline, the
   * percentile interval of the relative changes; when some had none (a baseline of 0, e.g. no
   * request queued), their relative change is undefined, and leaving them out would bias the
   * interval (a 0 -> 0 resample is "no change", not missing), so the absolute interval is expressed
   * in percent of the observed baseline instead; null when the observed baseline is 0 too.
   */
  static Interval percentInterval(double[] rel, Interval abs, double observedBaseline) {
    boolean undefined = false;
    for (double r : rel) {
      undefined |= Double.isInfinite(r);
    }
    if (!undefined) {
      return Interval.percentile95(rel);
    }
    if (abs == null || observedBaseline == 0 || Double.isNaN(observedBaseline)) {
      return null;
    }
    double lo = 100 * abs.lo() / Math.abs(observedBaseline);
    double hi = 100 * abs.hi() / Math.abs(observedBaseline);
    return new Interval(Math.min(lo, hi), Math.max(lo, hi));
  }

  private static double[] perRep(Metric m, Scope scope, Arm arm) {
    double[] v = new double[arm.reps];
    for (int r = 0; r < arm.reps; r++) {
      v[r] = m.value(scope, Draw.repetition(r, arm.reps, arm.requests));
    }
    return v;
  }
}
