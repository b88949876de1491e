package io.fleetlb.bench.workload;

import java.util.ArrayList;
import java.util.List;

/**
 * A named kind of request (short-chat, long-prefill, long-decode, ...) with a mix weight and its
 * own input and output length distributions; written {@code NAME:WEIGHT:input=DIST:output=DIST}.
 */
public record RequestClass(
    String name, double weight, LengthDistribution input, LengthDistribution output) {

  public RequestClass {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a request class needs a name");
    }
    if (!(weight > 0) || !Double.isFinite(weight)) {
      throw new IllegalArgumentException("class '" + name + "': weight must be > 0, got " + weight);
    }
  }

  /**
   * Parses {@code NAME:WEIGHT:input=DIST:output=DIST}; colons inside parentheses belong to the
   * distribution.
   */
  public static RequestClass parse(String text) {
    List<String> parts = splitTopLevel(text, ':');
    if (parts.size() != 4) {
      throw new IllegalArgumentException(
          "--class '"
              + text
              + "': expected NAME:WEIGHT:input=DIST:output=DIST, "
              + "e.g. long-decode:0.2:input=fixed(128):output=lognormal(800,0.8,max=4096)");
    }
    double weight;
    try {
      weight = Double.parseDouble(parts.get(1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--class '" + text + "': weight '" + parts.get(1) + "' is not a number");
    }
    LengthDistribution in = null;
    LengthDistribution out = null;
    for (String kv : parts.subList(2, 4)) {
      int eq = kv.indexOf('=');
      String key = eq < 0 ? kv : kv.substring(0, eq).trim();
      try {
        if (key.equals("input") && eq > 0) {
          in = LengthDistribution.parse(kv.substring(eq + 1));
        } else if (key.equals("output") && eq > 0) {
          out = LengthDistribution.parse(kv.substring(eq + 1));
        } else {
          throw new IllegalArgumentException(
              "expected input=DIST or output=DIST, got '" + kv + "'");
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--class '" + text + "': " + e.getMessage());
      }
    }
    if (in == null || out == null) {
      throw new IllegalArgumentException(
          "--class '" + text + "': needs both input=DIST and output=DIST");
    }
    return new RequestClass(parts.get(0).trim(), weight, in, out);
  }

  /** The canonical text form, accepted by {@link #parse}. */
  public String canonical() {
    return name + ":" + weight + ":input=" + input.canonical() + ":output=" + output.canonical();
  }

  static List<String> splitTopLevel(String text, char sep) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    StringBuilder cur = new StringBuilder();
    for (char c : text.toCharArray()) {
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      }
      if (c == sep && depth == 0) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out;
  }
}
