package io.fleetlb.bench.arrival;

import io.fleetlb.bench.workload.Rng;

/**
 * vLLM's ramp-up: the rate for request i moves from the start to the end rate with the request
 * index (linearly, or geometrically for "exponential"), each gap drawn from the same Gamma law as
 * {@link GammaArrivals} at that rate; as in vLLM the schedule is not rescaled.
 */
public final class RampArrivals implements ArrivalProcess {
  /** How the rate moves from start to end. */
  public enum Strategy {
    LINEAR,
    EXPONENTIAL
  }

  private final Strategy strategy;
  private final double startRps;
  private final double endRps;
  private final double burstiness;

  public RampArrivals(Strategy strategy, double startRps, double endRps, double burstiness) {
    if (!(startRps > 0)
        || !(endRps > 0)
        || Double.isInfinite(startRps)
        || Double.isInfinite(endRps)) {
      throw new IllegalArgumentException(
          "ramp start and end rates must be positive finite numbers");
    }
    if (!(burstiness > 0)) {
      throw new IllegalArgumentException("burstiness must be > 0, got " + burstiness);
    }
    this.strategy = strategy;
    this.startRps = startRps;
    this.endRps = endRps;
    this.burstiness = burstiness;
  }

  /** The rate in force for request {@code index} of {@code n}. */
  public double rateAt(int index, int n) {
    double progress = index / (double) Math.max(n - 1, 1);
    return strategy == Strategy.LINEAR
        ? startRps + (endRps - startRps) * progress
        : startRps * Math.pow(endRps / startRps, progress);
  }

  @Override
  public long[] offsetsNanos(int n, Rng rng) {
    long[] out = new long[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      double r = rateAt(i, n);
      sum +=
          Double.isInfinite(burstiness) ? 1.0 / r : rng.gamma(burstiness, 1.0 / (r * burstiness));
      out[i] = Math.round(sum * 1e9);
    }
    return out;
  }

  @Override
  public String describe() {
    return strategy.name().toLowerCase(java.util.Locale.ROOT)
        + " ramp "
        + startRps
        + " -> "
        + endRps
        + " req/s";
  }
}
