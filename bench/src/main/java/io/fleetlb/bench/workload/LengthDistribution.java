package io.fleetlb.bench.workload;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A distribution of token counts, written as {@code fixed(128)}, {@code uniform(64,256)}, {@code
 * normal(512,100)} or {@code lognormal(200,1.0,max=4096)}; every sample is rounded and clamped to
 * {@code [min, max]} (defaults 1 and unbounded), so heavy tails can be capped.
 */
public sealed interface LengthDistribution {

  /** Draws one length. */
  int sample(Rng rng);

  /** The canonical text form; {@code parse(canonical())} gives an equal distribution. */
  String canonical();

  /** Always the same value. */
  record Fixed(int value) implements LengthDistribution {
    public Fixed {
      if (value < 1) {
        throw new IllegalArgumentException("fixed length must be >= 1, got " + value);
      }
    }

    @Override
    public int sample(Rng rng) {
      return value;
    }

    @Override
    public String canonical() {
      return "fixed(" + value + ")";
    }
  }

  /** Uniform integer in [lo, hi] inclusive (vLLM's {@code --random-range-ratio} spread). */
  record Uniform(int lo, int hi) implements LengthDistribution {
    public Uniform {
      if (lo < 1 || hi < lo) {
        throw new IllegalArgumentException(
            "uniform needs 1 <= min <= max, got (" + lo + "," + hi + ")");
      }
    }

    @Override
    public int sample(Rng rng) {
      return rng.between(lo, hi);
    }

    @Override
    public String canonical() {
      return "uniform(" + lo + "," + hi + ")";
    }
  }

  /** Normal with the given mean and standard deviation, rounded and clamped. */
  record Normal(double mean, double stddev, int min, int max) implements LengthDistribution {
    public Normal {
      checkBounds(min, max);
      if (!(stddev >= 0) || !Double.isFinite(mean)) {
        throw new IllegalArgumentException("normal needs a finite mean and stddev >= 0");
      }
    }

    @Override
    public int sample(Rng rng) {
      return clamp(Math.round(mean + stddev * rng.gaussian()), min, max);
    }

    @Override
    public String canonical() {
      return "normal(" + num(mean) + "," + num(stddev) + bounds(min, max) + ")";
    }
  }

  /**
   * Log-normal with the given median ({@code exp(mu)}) and sigma (std of the log), rounded and
   * clamped: the usual model for heavy-tailed LLM output lengths.
   */
  record LogNormal(double median, double sigma, int min, int max) implements LengthDistribution {
    public LogNormal {
      checkBounds(min, max);
      if (!(median > 0) || !(sigma >= 0)) {
        throw new IllegalArgumentException("lognormal needs median > 0 and sigma >= 0");
      }
    }

    @Override
    public int sample(Rng rng) {
      return clamp(Math.round(median * Math.exp(sigma * rng.gaussian())), min, max);
    }

    @Override
    public String canonical() {
      return "lognormal(" + num(median) + "," + num(sigma) + bounds(min, max) + ")";
    }
  }

  /** Parses the text form; the message of the exception names what is wrong. */
  static LengthDistribution parse(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    if (s.matches("\\d+")) {
      return new Fixed(Integer.parseInt(s));
    }
    int open = s.indexOf('(');
    if (open < 0 || !s.endsWith(")")) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not a length distribution; expected e.g. "
              + "fixed(128), uniform(64,256), normal(512,100), lognormal(200,1.0,max=4096)");
    }
    String kind = s.substring(0, open).trim();
    String[] parts = s.substring(open + 1, s.length() - 1).split(",");
    java.util.List<Double> positional = new java.util.ArrayList<>();
    Map<String, Double> named = new LinkedHashMap<>();
    for (String raw : parts) {
      String p = raw.trim();
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      try {
        if (eq > 0) {
          named.put(p.substring(0, eq).trim(), Double.parseDouble(p.substring(eq + 1).trim()));
        } else {
          positional.add(Double.parseDouble(p));
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + text + "': '" + p + "' is not a number");
      }
    }
    int min = intArg(named, "min", 1, text);
    int max = intArg(named, "max", Integer.MAX_VALUE, text);
    switch (kind) {
      case "fixed":
        return new Fixed((int) arg(positional, named, 0, "value", text));
      case "uniform":
        return new Uniform(
            (int) arg(positional, named, 0, "min", text),
            (int) arg(positional, named, 1, "max", text));
      case "normal":
        return new Normal(
            arg(positional, named, 0, "mean", text),
            arg(positional, named, 1, "stddev", text),
            min,
            max);
      case "lognormal":
        return new LogNormal(
            arg(positional, named, 0, "median", text),
            arg(positional, named, 1, "sigma", text),
            min,
            max);
      default:
        throw new IllegalArgumentException(
            "'"
                + text
                + "': unknown distribution '"
                + kind
                + "' (fixed, uniform, normal, lognormal)");
    }
  }

  private static double arg(
      java.util.List<Double> positional,
      Map<String, Double> named,
      int pos,
      String name,
      String text) {
    if (named.containsKey(name)) {
      return named.get(name);
    }
    if (pos < positional.size()) {
      return positional.get(pos);
    }
    throw new IllegalArgumentException("'" + text + "': missing argument '" + name + "'");
  }

  private static int intArg(Map<String, Double> named, String name, int dflt, String text) {
    Double v = named.get(name);
    if (v == null) {
      return dflt;
    }
    if (v != Math.rint(v) || v < 1) {
      throw new IllegalArgumentException("'" + text + "': " + name + " must be a positive integer");
    }
    return v.intValue();
  }

  private static void checkBounds(int min, int max) {
    if (min < 1 || max < min) {
      throw new IllegalArgumentException(
          "bounds need 1 <= min <= max, got min=" + min + " max=" + max);
    }
  }

  private static int clamp(long v, int min, int max) {
    return (int) Math.max(min, Math.min(max, v));
  }

  private static String bounds(int min, int max) {
    return (min != 1 ? ",min=" + min : "") + (max != Integer.MAX_VALUE ? ",max=" + max : "");
  }

  private static String num(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
