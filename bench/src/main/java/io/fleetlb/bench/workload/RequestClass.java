package io.fleetlb.bench.workload;

import java.util.ArrayList;
import java.util.List;

/**
 * A named kind of request (an application: short-chat, long-prefill, long-decode, ...) with a mix
 * weight, its own input and output length distributions and optionally a shared system prompt of
 * {@code systemPromptTokens} tokens (one of {@code systemPrompts} distinct ones) that every request
 * of the class starts with; written {@code
 * NAME:WEIGHT:input=DIST:output=DIST[:system_prompt_tokens=N[:system_prompts=K]]}.
 */
public record RequestClass(
    String name,
    double weight,
    LengthDistribution input,
    LengthDistribution output,
    int systemPromptTokens,
    int systemPrompts) {

  public RequestClass {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a request class needs a name");
    }
    if (!(weight > 0) || !Double.isFinite(weight)) {
      throw new IllegalArgumentException("class '" + name + "': weight must be > 0, got " + weight);
    }
    if (systemPromptTokens < 0) {
      throw new IllegalArgumentException(
          "class '" + name + "': system_prompt_tokens must be >= 0, got " + systemPromptTokens);
    }
    if (systemPrompts < 1) {
      throw new IllegalArgumentException(
          "class '" + name + "': system_prompts must be >= 1, got " + systemPrompts);
    }
  }

  /** A class without a system prompt. */
  public RequestClass(
      String name, double weight, LengthDistribution input, LengthDistribution output) {
    this(name, weight, input, output, 0, 1);
  }

  /**
   * Parses {@code NAME:WEIGHT:input=DIST:output=DIST}; colons inside parentheses belong to the
   * distribution.
   */
  public static RequestClass parse(String text) {
    List<String> parts = splitTopLevel(text, ':');
    if (parts.size() < 4 || parts.size() > 6) {
      throw new IllegalArgumentException(
          "--class '"
              + text
              + "': expected NAME:WEIGHT:input=DIST:output=DIST"
              + "[:system_prompt_tokens=N[:system_prompts=K]], "
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
    int systemTokens = 0;
    Integer systemCount = null;
    for (String kv : parts.subList(4, parts.size())) {
      int eq = kv.indexOf('=');
      String key = eq < 0 ? kv.trim() : kv.substring(0, eq).trim();
      String value = eq < 0 ? "" : kv.substring(eq + 1).trim();
      if (key.equals("system_prompt_tokens")) {
        systemTokens = count(text, key, value);
      } else if (key.equals("system_prompts")) {
        systemCount = count(text, key, value);
      } else {
        throw new IllegalArgumentException(
            "--class '"
                + text
                + "': expected system_prompt_tokens=N or system_prompts=K, got '"
                + kv
                + "'");
      }
    }
    if (systemCount != null && systemTokens == 0) {
      throw new IllegalArgumentException(
          "--class '" + text + "': system_prompts=K needs system_prompt_tokens=N");
    }
    try {
      return new RequestClass(
          parts.get(0).trim(),
          weight,
          in,
          out,
          systemTokens,
          systemCount == null ? 1 : systemCount);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--class '" + text + "': " + e.getMessage());
    }
  }

  private static int count(String text, String key, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--class '" + text + "': " + key + " '" + value + "' is not a whole number");
    }
  }

  /**
   * The canonical text form, accepted by {@link #parse}; the system prompt keys appear only when
   * set, so classes without them keep the text (and workload headers) they always had.
   */
  public String canonical() {
    String s =
        name + ":" + weight + ":input=" + input.canonical() + ":output=" + output.canonical();
    if (systemPromptTokens > 0) {
      s += ":system_prompt_tokens=" + systemPromptTokens;
      if (systemPrompts != 1) {
        s += ":system_prompts=" + systemPrompts;
      }
    }
    return s;
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
