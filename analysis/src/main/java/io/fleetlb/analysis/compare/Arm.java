package io.fleetlb.analysis.compare;

import io.fleetlb.analysis.input.RequestRecord;
import io.fleetlb.analysis.input.Run;
import io.fleetlb.analysis.input.Slo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One arm of the comparison (baseline or managed): its repetitions and their requests flattened
 * into units ({@code unit = repetition * requests + index}) so that resamples are just weights.
 */
public final class Arm {
  final String name;
  final List<Run> runs;
  final int reps;
  final int requests;
  final double[] durations;
  final boolean[] success;
  final boolean[] good;
  final int[] outputTokens;
  final int[] inputTokens;
  private final Map<String, Scope> scopes = new LinkedHashMap<>();

  /**
   * @param name {@code baseline} or {@code managed}
   * @param runs the repetitions, all of the same workload
   * @param models the workload's model of each index (the same in both arms)
   */
  Arm(String name, List<Run> runs, String[] models, Slo slo) {
    this.name = name;
    this.runs = List.copyOf(runs);
    this.reps = runs.size();
    this.requests = models.length;
    int units = reps * requests;
    durations = new double[reps];
    success = new boolean[units];
    good = new boolean[units];
    outputTokens = new int[units];
    inputTokens = new int[units];
    for (int r = 0; r < reps; r++) {
      durations[r] = runs.get(r).durationS();
      RequestRecord[] recs = runs.get(r).requests();
      for (int i = 0; i < requests; i++) {
        RequestRecord q = recs[i];
        int u = r * requests + i;
        success[u] = q.success();
        good[u] = q.meets(slo);
        outputTokens[u] = q.success() ? q.outputTokens() : 0;
        inputTokens[u] = q.success() ? q.promptTokens() : 0;
      }
    }
    scopes.put(null, new Scope(this, null, models));
  }

  /** The arm's name, {@code baseline} or {@code managed}. */
  public String name() {
    return name;
  }

  /** The repetitions, in the order they are paired. */
  public List<Run> runs() {
    return runs;
  }

  /** All requests, or those of one model (built on first use). */
  Scope scope(String model, String[] models) {
    return scopes.computeIfAbsent(model, m -> new Scope(this, m, models));
  }

  /** The whole arm. */
  Scope all() {
    return scopes.get(null);
  }

  /** Sum over repetitions of draw count x duration: the denominator of every throughput. */
  double weightedDuration(Draw d) {
    double s = 0;
    for (int r = 0; r < reps; r++) {
      s += d.repCounts[r] * durations[r];
    }
    return s;
  }
}
