package io.fleetlb.bench.workload;

import java.util.SplittableRandom;

/**
 * Seeded random variates built only on {@link SplittableRandom#nextDouble()} and {@link
 * SplittableRandom#nextLong()}, whose algorithms the JDK specifies, so a workload generated with
 * the same seed is byte-identical on every JDK (the JDK's own {@code nextGaussian} is not pinned
 * across releases).
 */
public final class Rng {
  private final SplittableRandom random;

  /**
   * A generator for one independent stream: the same (seed, stream) pair always gives the same
   * values.
   */
  public Rng(long seed, String stream) {
    this.random = new SplittableRandom(mix(seed, stream));
  }

  private static long mix(long seed, String stream) {
    long h = seed * 0x9E3779B97F4A7C15L;
    for (int i = 0; i < stream.length(); i++) {
      h = (h ^ stream.charAt(i)) * 0x100000001B3L;
    }
    // splitmix64 finaliser so nearby seeds give unrelated streams
    h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
    h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
    return h ^ (h >>> 31);
  }

  /** Uniform in [0, 1). */
  public double uniform() {
    return random.nextDouble();
  }

  /** Uniform integer in [0, bound). */
  public int nextInt(int bound) {
    return random.nextInt(bound);
  }

  /** Uniform integer in [lo, hi], both inclusive. */
  public int between(int lo, int hi) {
    return lo + random.nextInt(hi - lo + 1);
  }

  public long nextLong() {
    return random.nextLong();
  }

  /**
   * Standard normal variate (Box-Muller, one value per call so the stream position is simple to
   * reason about).
   */
  public double gaussian() {
    double u1 = 1.0 - random.nextDouble(); // (0, 1]: log(0) is impossible
    double u2 = random.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
  }

  /** Exponential variate with mean 1. */
  public double exponential() {
    return -Math.log(1.0 - random.nextDouble());
  }

  /**
   * Gamma variate with the given shape and scale (Marsaglia-Tsang; shape below 1 uses the {@code
   * G(a+1) * U^(1/a)} boost). Shape 1 is exactly an exponential, as numpy's gamma is.
   */
  public double gamma(double shape, double scale) {
    if (shape == 1.0) {
      return exponential() * scale;
    }
    if (shape < 1.0) {
      double u = 1.0 - random.nextDouble();
      return gamma(shape + 1.0, scale) * Math.pow(u, 1.0 / shape);
    }
    double d = shape - 1.0 / 3.0;
    double c = 1.0 / Math.sqrt(9.0 * d);
    while (true) {
      double x;
      double v;
      do {
        x = gaussian();
        v = 1.0 + c * x;
      } while (v <= 0);
      v = v * v * v;
      double u = 1.0 - random.nextDouble();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
        return d * v * scale;
      }
    }
  }
}
