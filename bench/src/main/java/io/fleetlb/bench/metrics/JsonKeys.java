package io.fleetlb.bench.metrics;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** Writes a {@link Stats.Summary} under vLLM's key names ({@code mean_ttft_ms}, {@code p99_ttft_ms}, ...). */
public final class JsonKeys {
  private JsonKeys() {
  }

  public static void putSummary(ObjectNode o, String metric, Stats.Summary s) {
    o.put("mean_" + metric + "_ms", s.mean());
    o.put("median_" + metric + "_ms", s.median());
    o.put("std_" + metric + "_ms", s.std());
    for (Map.Entry<Double, Double> e : s.percentiles().entrySet()) {
      o.put("p" + Stats.percentileWord(e.getKey()) + "_" + metric + "_ms", e.getValue());
    }
  }

  /** A compact summary for breakdown tables: count, mean, median, max and the percentiles. */
  public static ObjectNode compact(ObjectNode parent, String name, Stats.Summary s) {
    ObjectNode o = parent.putObject(name);
    o.put("count", s.count());
    o.put("mean", s.mean());
    o.put("median", s.median());
    o.put("max", s.max());
    for (Map.Entry<Double, Double> e : s.percentiles().entrySet()) {
      o.put("p" + Stats.percentileWord(e.getKey()), e.getValue());
    }
    return o;
  }
}
