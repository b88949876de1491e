package io.fleetlb.bench.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * vLLM's goodput SLOs ({@code --goodput ttft:MS tpot:MS e2el:MS}, DistServe definition): a
 * successful request is good when every listed metric is at or under its threshold; requests
 * with at most one output token count TPOT as 0.
 */
public record Goodput(Map<String, Double> slosMs) {
  static final List<String> KEYS = List.of("ttft", "tpot", "e2el");

  public Goodput {
    slosMs = Map.copyOf(slosMs);
  }

  public static Goodput none() {
    return new Goodput(Map.of());
  }

  public boolean enabled() {
    return !slosMs.isEmpty();
  }

  /** Parses {@code KEY:VALUE} pairs with vLLM's messages for bad input. */
  public static Goodput parse(List<String> pairs) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (String pair : pairs) {
      String[] kv = pair.split(":");
      double v;
      try {
        if (kv.length != 2) {
          throw new NumberFormatException();
        }
        v = Double.parseDouble(kv[1].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--goodput '" + pair + "': specify service level objectives as "
            + "KEY:VALUE pairs, where the key is ttft, tpot or e2el and the value is in milliseconds");
      }
      String key = kv[0].trim();
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException("--goodput '" + pair + "': invalid metric name '" + key
            + "'; the service level objective name should be one of " + KEYS);
      }
      if (v < 0) {
        throw new IllegalArgumentException("--goodput '" + pair + "': the value should be non-negative");
      }
      m.put(key, v);
    }
    return new Goodput(m);
  }

  /** Whether a successful request meets every SLO. */
  public boolean isGood(RequestOutcome r) {
    if (slosMs.containsKey("ttft") && r.ttftNs() / 1e6 > slosMs.get("ttft")) {
      return false;
    }
    if (slosMs.containsKey("tpot")) {
      double tpot = r.outputTokens() > 1 ? r.tpotNs() / 1e6 : 0;
      if (tpot > slosMs.get("tpot")) {
        return false;
      }
    }
    return !(slosMs.containsKey("e2el") && r.e2elNs() / 1e6 > slosMs.get("e2el"));
  }
}
