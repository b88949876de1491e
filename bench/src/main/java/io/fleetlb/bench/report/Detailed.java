package io.fleetlb.bench.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetlb.bench.metrics.RequestOutcome;
import java.util.List;

/** vLLM's {@code --save-detailed} arrays (seconds, one entry per request in order; failed ones zero). */
final class Detailed {
  private Detailed() {
  }

  static void put(ObjectNode o, List<RequestOutcome> all) {
    ArrayNode inputLens = o.putArray("input_lens");
    ArrayNode outputLens = o.putArray("output_lens");
    ArrayNode ttfts = o.putArray("ttfts");
    ArrayNode itls = o.putArray("itls");
    ArrayNode latencies = o.putArray("latencies");
    ArrayNode startTimes = o.putArray("start_times");
    ArrayNode queueTimes = o.putArray("queue_times");
    ArrayNode errors = o.putArray("errors");
    for (RequestOutcome r : all) {
      inputLens.add(r.inputTokens());
      outputLens.add(r.success() ? r.outputTokens() : 0);
      ttfts.add(r.success() ? r.ttftNs() / 1e9 : 0.0);
      ArrayNode gaps = itls.addArray();
      if (r.success()) {
        for (long g : r.itlNs()) {
          gaps.add(g / 1e9);
        }
      }
      latencies.add(r.success() ? r.e2elNs() / 1e9 : 0.0);
      startTimes.add(r.startNs() / 1e9);
      queueTimes.add(r.startNs() >= 0 && r.arrivalNs() >= 0 ? (r.startNs() - r.arrivalNs()) / 1e9 : 0.0);
      errors.add(r.success() ? "" : r.error());
    }
  }
}
