package io.fleetlb.analysis.compare;

import io.fleetlb.analysis.stats.Interval;
import io.fleetlb.analysis.stats.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * The paired bootstrap: for each resample (same workload indices in both arms, repetitions drawn
 * as pairs), every metric is recomputed in both arms and managed minus baseline recorded; the
 * 2.5th and 97.5th percentiles of those differences are the 95% interval.
 */
final class Bootstrap {
  /** One metric on one scope pair (overall or a model). */
  record Task(Metric metric, Scope baseline, Scope managed) {
  }

  private final long seed;
  private final int iterations;
  private final double minEffectPct;

  Bootstrap(long seed, int iterations) {
    this(seed, iterations, 0);
  }

  Bootstrap(long seed, int iterations, double minEffectPct) {
    if (iterations < 100) {
      throw new IllegalArgumentException("--bootstrap must be at least 100 resamples, got " + iterations);
    }
    this.seed = seed;
    this.iterations = iterations;
    this.minEffectPct = minEffectPct;
  }

  int iterations() {
    return iterations;
  }

  List<MetricResult> run(List<Task> tasks, Arm baseline, Arm managed) {
    int n = baseline.requests;
    Draw ob = Draw.observed(baseline.reps, n);
    Draw om = Draw.observed(managed.reps, n);
    double[][] abs = new double[tasks.size()][iterations];
    double[][] rel = new double[tasks.size()][iterations];
    Resampler resampler = new Resampler(seed, baseline.reps, managed.reps, n);
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
        rel[t][b] = vb == 0 ? Double.NaN : 100 * (vm - vb) / vb;
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
        note = "no data in " + (Double.isNaN(vb) && Double.isNaN(vm) ? "either arm" : Double.isNaN(vb) ? "the baseline" : "the managed arm");
      } else if (m.runLevel() && (baseline.reps < 2 || managed.reps < 2)) {
        note = "a per-run figure needs at least 2 repetitions per arm for an interval";
      } else {
        ci = Interval.percentile95(abs[t]);
        ciPct = Interval.percentile95(rel[t]);
      }
      double deltaPct = vb == 0 ? Double.NaN : 100 * (vm - vb) / vb;
      Verdict v = note == null ? Verdict.of(m.direction(), ci, deltaPct, minEffectPct) : Verdict.SAME;
      out.add(new MetricResult(m, vb, vm, ci, ciPct, v, note, repsB, repsM));
    }
    return out;
  }

  private static double[] perRep(Metric m, Scope scope, Arm arm) {
    double[] v = new double[arm.reps];
    for (int r = 0; r < arm.reps; r++) {
      v[r] = m.value(scope, Draw.repetition(r, arm.reps, arm.requests));
    }
    return v;
  }
}
