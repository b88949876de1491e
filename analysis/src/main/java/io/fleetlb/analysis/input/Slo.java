package io.fleetlb.analysis.input;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Service-level objectives for goodput, vLLM's {@code --goodput} keys: a request is good when it
 * succeeded and each given latency (milliseconds) is at most its limit; null means no limit.
 */
public record Slo(Double ttftMs, Double tpotMs, Double e2elMs) {
  /** The default when {@code --slo} is not given: interactive chat, first token within 1 s, 20 tokens/s per user. */
  public static final Slo DEFAULT = new Slo(1000.0, 50.0, null);

  /** Parses {@code ttft:MS,tpot:MS,e2el:MS} (any subset, commas or spaces between pairs). */
  public static Slo parse(String text) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (String pair : text.trim().split("[,\\s]+")) {
      int colon = pair.indexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("--slo '" + text + "': '" + pair + "' is not KEY:MS (e.g. ttft:1000,tpot:50)");
      }
      String key = pair.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT);
      if (!key.equals("ttft") && !key.equals("tpot") && !key.equals("e2el")) {
        throw new IllegalArgumentException("--slo '" + text + "': unknown metric '" + key + "' (use ttft, tpot, e2el)");
      }
      double v;
      try {
        v = Double.parseDouble(pair.substring(colon + 1).trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--slo '" + text + "': '" + pair.substring(colon + 1) + "' is not a number of milliseconds");
      }
      if (!(v > 0) || Double.isInfinite(v)) {
        throw new IllegalArgumentException("--slo '" + text + "': the limit for " + key + " must be a positive number of milliseconds");
      }
      if (m.put(key, v) != null) {
        throw new IllegalArgumentException("--slo '" + text + "': " + key + " is given twice");
      }
    }
    return new Slo(m.get("ttft"), m.get("tpot"), m.get("e2el"));
  }

  /** The canonical text, e.g. {@code ttft:1000,tpot:50}. */
  public String text() {
    StringBuilder b = new StringBuilder();
    append(b, "ttft", ttftMs);
    append(b, "tpot", tpotMs);
    append(b, "e2el", e2elMs);
    return b.toString();
  }

  /** For people: {@code TTFT <= 1000 ms, TPOT <= 50 ms}. */
  public String describe() {
    StringBuilder b = new StringBuilder();
    for (String[] kv : new String[][] {{"TTFT", num(ttftMs)}, {"TPOT", num(tpotMs)}, {"E2EL", num(e2elMs)}}) {
      if (kv[1] != null) {
        b.append(b.length() == 0 ? "" : ", ").append(kv[0]).append(" \u2264 ").append(kv[1]).append(" ms");
      }
    }
    return b.toString();
  }

  private static void append(StringBuilder b, String key, Double v) {
    if (v != null) {
      b.append(b.length() == 0 ? "" : ",").append(key).append(':').append(num(v));
    }
  }

  private static String num(Double v) {
    if (v == null) {
      return null;
    }
    return v == Math.rint(v) ? Long.toString(v.longValue()) : v.toString();
  }
}
