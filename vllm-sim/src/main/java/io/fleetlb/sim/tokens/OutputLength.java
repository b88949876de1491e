package io.fleetlb.sim.tokens;

import java.util.SplittableRandom;

/**
 * How many tokens a request generates when it does not ignore EOS: a log-normal draw, as chat
 * output lengths are heavy-tailed, bounded by the request's limits.
 */
public final class OutputLength {

  private OutputLength() {}

  /**
   * Draws the length of a response that stops at EOS (the EOS token included).
   *
   * @param random the request's random stream
   * @param median median length in tokens
   * @param sigma log-normal sigma
   * @param minTokens the request's {@code min_tokens}: EOS cannot come before that many tokens
   */
  public static int sample(SplittableRandom random, int median, double sigma, int minTokens) {
    double gaussian = gaussian(random);
    long drawn = Math.round(median * Math.exp(sigma * gaussian));
    return (int) Math.max(Math.max(1, minTokens + 1L), Math.min(drawn, 1_000_000L));
  }

  private static double gaussian(SplittableRandom random) {
    // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
    double u1 = 1.0 - random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
