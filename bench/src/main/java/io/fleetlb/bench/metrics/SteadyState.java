package io.fleetlb.bench.metrics;

import io.fleetlb.results.LatencyStats;
import io.fleetlb.results.Slo;
import io.fleetlb.results.SteadyStateFigures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Figures over a steady-state window [start, end) of the run clock, which leaves out warm-up and
 * the cool-down/drain tail that vLLM's whole-run throughput includes. Latencies are those of the
 * requests scheduled inside the window; rates count what happened inside it (requests sent,
 * completed, output tokens emitted) divided by the window's length.
 */
public final class SteadyState {
  private SteadyState() {}

  public static SteadyStateFigures compute(
      List<RequestOutcome> all, long startNs, long endNs, List<Double> percentiles, Slo goodput) {
    double len = (endNs - startNs) / 1e9;
    if (!(len > 0)) {
      return SteadyStateFigures.empty(
          startNs / 1e9,
          endNs / 1e9,
          "empty window: warm-up plus cool-down cover the whole schedule");
    }
    List<RequestOutcome> inWindow = new ArrayList<>();
    long sent = 0;
    long done = 0;
    double tokens = 0;
    for (RequestOutcome r : all) {
      if (in(r.scheduledNs(), startNs, endNs)) {
        inWindow.add(r);
      }
      if (in(r.arrivalNs(), startNs, endNs)) {
        sent++;
      }
      if (r.success()) {
        if (in(r.doneNs(), startNs, endNs)) {
          done++;
        }
        double perEvent = r.tokenEvents() == 0 ? 0 : r.outputTokens() / (double) r.tokenEvents();
        long t = r.firstTokenNs();
        tokens += in(t, startNs, endNs) ? perEvent : 0;
        for (long gap : r.itlNs()) {
          t += gap;
          tokens += in(t, startNs, endNs) ? perEvent : 0;
        }
      }
    }
    CoreMetrics m = CoreMetrics.compute(inWindow, len, percentiles, goodput);
    Double goodRate = null;
    if (goodput != null) {
      long good = inWindow.stream().filter(r -> r.meets(goodput)).count();
      goodRate = good / len;
    }
    Map<String, Double> stats = LatencyStats.map();
    m.ttft().putInto(stats, "ttft");
    m.tpot().putInto(stats, "tpot");
    m.itl().putInto(stats, "itl");
    m.e2el().putInto(stats, "e2el");
    Intended.ttft(inWindow, percentiles).putInto(stats, "ttft_intended");
    return new SteadyStateFigures(
        startNs / 1e9,
        endNs / 1e9,
        null,
        inWindow.size(),
        m.completed(),
        m.failed(),
        inWindow.size() / len,
        sent / len,
        done / len,
        tokens / len,
        goodRate,
        stats);
  }

  private static boolean in(long t, long start, long end) {
    return t >= start && t < end;
  }
}
