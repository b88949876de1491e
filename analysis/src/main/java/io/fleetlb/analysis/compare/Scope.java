package io.fleetlb.analysis.compare;

import io.fleetlb.analysis.input.Run;
import io.fleetlb.analysis.stats.WeightedSample;
import io.fleetlb.results.RequestRecord;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The requests of one arm that a statistic looks at (all, or one model's), with each latency sorted
 * once so that every resample only re-weights them.
 */
final class Scope {
  /** The per-request latencies a scope keeps sorted. */
  enum Series {
    TTFT,
    TPOT,
    ITL,
    E2EL,
    TTFT_INTENDED,
    E2EL_INTENDED
  }

  final Arm arm;
  final String model;
  final int[] units;
  private final Map<Series, WeightedSample> samples = new EnumMap<>(Series.class);

  Scope(Arm arm, String model) {
    String[] models = arm.models;
    this.arm = arm;
    this.model = model;
    List<Integer> us = new ArrayList<>();
    for (int r = 0; r < arm.reps; r++) {
      for (int i = 0; i < arm.requests; i++) {
        if (model == null || model.equals(models[i])) {
          us.add(r * arm.requests + i);
        }
      }
    }
    this.units = us.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The sorted sample of one series (built on first use: ITL can be large). */
  WeightedSample sample(Series s) {
    return samples.computeIfAbsent(s, this::build);
  }

  private WeightedSample build(Series s) {
    List<Integer> owners = new ArrayList<>();
    List<double[]> values = collect(arm.runs, arm.requests, units, r -> extract(s, r), owners);
    double[] flat = new double[owners.size()];
    int k = 0;
    for (double[] v : values) {
      for (double x : v) {
        flat[k++] = x;
      }
    }
    int[] own = owners.stream().mapToInt(Integer::intValue).toArray();
    return new WeightedSample(flat, own, arm.reps * arm.requests);
  }

  private static double[] extract(Series s, RequestRecord r) {
    double v =
        switch (s) {
          case TTFT -> r.ttft();
          case TPOT -> r.tpot();
          case E2EL -> r.e2el();
          case TTFT_INTENDED -> r.ttftIntended();
          case E2EL_INTENDED -> r.e2elIntended();
          case ITL -> Double.NaN;
        };
    if (s == Series.ITL) {
      return r.itlMs();
    }
    // TPOT is undefined for one output token; intended latencies are absent in imported runs
    return Double.isNaN(v) ? new double[0] : new double[] {v};
  }

  /** Sum of unit weights over this scope's units satisfying the predicate-like selector. */
  double sum(Draw d, UnitValue f) {
    double s = 0;
    for (int u : units) {
      int w = d.unitWeights[u];
      if (w != 0) {
        s += w * f.at(u);
      }
    }
    return s;
  }

  /** A number per unit. */
  interface UnitValue {
    double at(int unit);
  }

  /** A value per unit for the requests that succeeded, for {@link Scope}'s samples. */
  private interface Extractor {
    double[] values(RequestRecord r);
  }

  private static List<double[]> collect(
      List<Run> runs, int requests, int[] units, Extractor ex, List<Integer> owners) {
    List<double[]> out = new ArrayList<>();
    for (int u : units) {
      RequestRecord r = runs.get(u / requests).requests()[u % requests];
      if (r.success()) {
        double[] v = ex.values(r);
        out.add(v);
        for (int k = 0; k < v.length; k++) {
          owners.add(u);
        }
      }
    }
    return out;
  }
}
