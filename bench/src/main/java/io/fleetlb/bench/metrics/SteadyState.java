package io.fleetlb.bench.metrics;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Figures over a steady-state window [start, end) of the run clock, which leaves out warm-up and
 * the cool-down/drain tail that vLLM's whole-run throughput includes. Latencies are those of the
 * requests scheduled inside the window; rates count what happened inside it (requests sent,
 * completed, output tokens emitted) divided by the window's length.
 */
public final class SteadyState {
  private SteadyState() {
  }

  public static ObjectNode compute(List<RequestOutcome> all, long startNs, long endNs, List<Double> percentiles,
      Goodput goodput) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("start_s", startNs / 1e9);
    o.put("end_s", endNs / 1e9);
    double len = (endNs - startNs) / 1e9;
    if (!(len > 0)) {
      o.put("error", "empty window: warm-up plus cool-down cover the whole schedule");
      return o;
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
    o.put("requests", inWindow.size());
    o.put("completed", m.completed());
    o.put("failed", m.failed());
    o.put("offered_rate", inWindow.size() / len);
    o.put("achieved_rate", sent / len);
    o.put("request_throughput", done / len);
    o.put("output_throughput", tokens / len);
    if (m.requestGoodput() != null) {
      long good = inWindow.stream().filter(r -> r.success() && goodput.isGood(r)).count();
      o.put("request_goodput", good / len);
    }
    JsonKeys.putSummary(o, "ttft", m.ttft());
    JsonKeys.putSummary(o, "tpot", m.tpot());
    JsonKeys.putSummary(o, "itl", m.itl());
    JsonKeys.putSummary(o, "e2el", m.e2el());
    JsonKeys.putSummary(o, "ttft_intended", Intended.ttft(inWindow, percentiles));
    return o;
  }

  private static boolean in(long t, long start, long end) {
    return t >= start && t < end;
  }
}
