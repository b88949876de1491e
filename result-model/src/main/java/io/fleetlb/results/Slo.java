package io.fleetlb.results;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Goodput service-level objectives, vLLM's {@code --goodput} (DistServe's definition): a successful
 * request is good when each given latency, in milliseconds, is at most its limit; a missing limit
 * does not apply. One syntax everywhere, vLLM's: {@code --goodput ttft:2000 tpot:100 e2el:5000},
 * one {@code KEY:MS} per argument. Recorded in a result as {@code {"ttft_ms": 2000.0, "tpot_ms":
 * 100.0}}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Slo(
    @JsonProperty("ttft_ms") Double ttftMs,
    @JsonProperty("tpot_ms") Double tpotMs,
    @JsonProperty("e2el_ms") Double e2elMs) {

  /** The metrics an SLO may name. */
  public static final List<String> KEYS = List.of("ttft", "tpot", "e2el");

  /** An SLO read from arguments, with a note when they used a deprecated spelling. */
  public record Parsed(Slo slo, String deprecation) {}

  /**
   * Parses {@code KEY:MS} arguments (vLLM's syntax). The deprecated spellings still work and return
   * a note: several pairs in one argument separated by commas ({@code ttft:1000,tpot:50},
   * compare.sh's old {@code --slo}) or spaces ({@code "ttft:2000 tpot:100"}, ab.sh's old quoted
   * form).
   *
   * @param flag the flag's name, for messages
   * @throws IllegalArgumentException naming the bad pair
   */
  public static Parsed parse(List<String> args, String flag) {
    Map<String, Double> limits = new LinkedHashMap<>();
    boolean joined = false;
    List<String> pairs = new ArrayList<>();
    for (String arg : args) {
      String[] parts = arg.trim().split("[,\\s]+");
      joined |= parts.length > 1;
      for (String p : parts) {
        if (!p.isEmpty()) {
          pairs.add(p);
        }
      }
    }
    if (pairs.isEmpty()) {
      throw new IllegalArgumentException(
          flag + ": give at least one KEY:MS pair, e.g. " + flag + " ttft:2000 tpot:100");
    }
    for (String pair : pairs) {
      String[] kv = pair.split(":", -1);
      double v;
      try {
        if (kv.length != 2) {
          throw new NumberFormatException();
        }
        v = Double.parseDouble(kv[1].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            flag
                + " '"
                + pair
                + "': specify service level objectives as KEY:VALUE pairs,"
                + " where the key is ttft, tpot or e2el and the value is in milliseconds, e.g. "
                + flag
                + " ttft:2000 tpot:100");
      }
      String key = kv[0].trim().toLowerCase(Locale.ROOT);
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException(
            flag
                + " '"
                + pair
                + "': invalid metric name '"
                + kv[0].trim()
                + "'; the service level objective name should be one of "
                + KEYS);
      }
      if (!(v >= 0) || Double.isInfinite(v)) {
        throw new IllegalArgumentException(
            flag + " '" + pair + "': the value should be a non-negative number of milliseconds");
      }
      if (limits.put(key, v) != null) {
        throw new IllegalArgumentException(flag + " '" + pair + "': " + key + " is given twice");
      }
    }
    Slo slo = new Slo(limits.get("ttft"), limits.get("tpot"), limits.get("e2el"));
    String note =
        joined
            ? flag
                + " "
                + String.join(" ", args).trim()
                + " is deprecated: write "
                + flag
                + " "
                + slo.text()
                + " (one KEY:MS per argument, as vllm bench serve takes them)"
            : null;
    return new Parsed(slo, note);
  }

  /** Whether no limit is set. */
  @JsonIgnore
  public boolean isEmpty() {
    return ttftMs == null && tpotMs == null && e2elMs == null;
  }

  /**
   * Whether a successful request meets every limit. {@code tpotMs} is NaN for a request with at
   * most one output token, which counts as 0 (vLLM); a value equal to its limit is good.
   */
  public boolean isGood(double ttftMs, double tpotMs, double e2elMs) {
    double tpot = Double.isNaN(tpotMs) ? 0 : tpotMs;
    return within(ttftMs, this.ttftMs) && within(tpot, this.tpotMs) && within(e2elMs, this.e2elMs);
  }

  private static boolean within(double value, Double limit) {
    return limit == null || value <= limit;
  }

  /** The canonical arguments, e.g. {@code ttft:2000 tpot:100}. */
  public String text() {
    List<String> out = new ArrayList<>();
    add(out, "ttft", ttftMs);
    add(out, "tpot", tpotMs);
    add(out, "e2el", e2elMs);
    return String.join(" ", out);
  }

  /** The canonical arguments as a list, e.g. {@code [ttft:2000, tpot:100]}. */
  public List<String> args() {
    return List.of(text().split(" "));
  }

  /** For people: {@code TTFT <= 2000 ms, TPOT <= 100 ms}. */
  public String describe() {
    List<String> out = new ArrayList<>();
    if (ttftMs != null) {
      out.add("TTFT \u2264 " + num(ttftMs) + " ms");
    }
    if (tpotMs != null) {
      out.add("TPOT \u2264 " + num(tpotMs) + " ms");
    }
    if (e2elMs != null) {
      out.add("E2EL \u2264 " + num(e2elMs) + " ms");
    }
    return String.join(", ", out);
  }

  private static void add(List<String> out, String key, Double v) {
    if (v != null) {
      out.add(key + ":" + num(v));
    }
  }

  static String num(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
