package io.fleetlb.analysis.compare;

import io.fleetlb.analysis.input.Run;
import io.fleetlb.results.RequestRecord;
import io.fleetlb.results.Slo;
import io.fleetlb.results.SteadyStateFigures;
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

  /** Output tokens each request emitted inside its run's steady-state window. */
  final double[] steadyTokens;

  /**
   * Each repetition's steady-state window in seconds, NaN when it recorded none (imported runs).
   */
  final double[] windowS;

  final String[] models;
  private final Map<String, Scope> scopes = new LinkedHashMap<>();

  /**
   * @param name {@code baseline} or {@code managed}
   * @param runs the repetitions, all of the same workload (the same number of requests)
   */
  Arm(String name, List<Run> runs, Slo slo) {
    this.name = name;
    this.runs = List.copyOf(runs);
    this.reps = runs.size();
    RequestRecord[] first = runs.get(0).requests();
    this.requests = first.length;
    this.models = new String[requests];
    for (int i = 0; i < requests; i++) {
      models[i] = first[i].model();
    }
    int units = reps * requests;
    durations = new double[reps];
    success = new boolean[units];
    good = new boolean[units];
    outputTokens = new int[units];
    inputTokens = new int[units];
    steadyTokens = new double[units];
    windowS = new double[reps];
    for (int r = 0; r < reps; r++) {
      durations[r] = runs.get(r).durationS();
      SteadyStateFigures ss = runs.get(r).result().steadyState();
      boolean window = ss != null && ss.error() == null && ss.endS() > ss.startS();
      windowS[r] = window ? ss.endS() - ss.startS() : Double.NaN;
      long from = window ? Math.round(ss.startS() * 1e9) : 0;
      long to = window ? Math.round(ss.endS() * 1e9) : 0;
      RequestRecord[] recs = runs.get(r).requests();
      for (int i = 0; i < requests; i++) {
        RequestRecord q = recs[i];
        int u = r * requests + i;
        success[u] = q.success();
        good[u] = q.meets(slo);
        outputTokens[u] = q.success() ? q.outputTokens() : 0;
        inputTokens[u] = q.success() ? Math.max(0, q.promptTokens()) : 0;
        steadyTokens[u] = window ? tokensIn(q, from, to) : 0;
      }
    }
    scopes.put(null, new Scope(this, null));
  }

  /**
   * Output tokens a request emitted in [from, to) of its run's clock, as bench's steady state
   * counts them: its usage count spread evenly over its token events.
   */
  static double tokensIn(RequestRecord q, long from, long to) {
    if (!q.success() || q.tokenEvents() <= 0 || q.firstTokenNs() < 0) {
      return 0;
    }
    double perEvent = q.outputTokens() / (double) q.tokenEvents();
    long t = q.firstTokenNs();
    double n = t >= from && t < to ? perEvent : 0;
    for (long gap : q.itlNs()) {
      t += gap;
      n += t >= from && t < to ? perEvent : 0;
    }
    return n;
  }

  /** Sum over repetitions of draw count x steady-state window; NaN when a drawn one has none. */
  double weightedWindow(Draw d) {
    double s = 0;
    for (int r = 0; r < reps; r++) {
      s += d.repCounts[r] * windowS[r];
    }
    return s;
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
  Scope scope(String model) {
    return scopes.computeIfAbsent(model, m -> new Scope(this, m));
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
