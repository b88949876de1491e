package io.fleetlb.bench.arrival;

import io.fleetlb.bench.workload.Rng;

/**
 * vLLM's arrival process: gaps drawn from Gamma(shape = burstiness, scale = 1/(rate*burstiness)),
 * so burstiness 1 is a Poisson process, below 1 burstier, above 1 smoother, and infinity constant
 * spacing; the cumulative schedule is then rescaled so the last arrival lands exactly at N/rate,
 * removing the seed-dependent drift of a plain sum (vllm/benchmarks/serve.py {@code get_request}).
 */
public final class GammaArrivals implements ArrivalProcess {
  private final double rate;
  private final double burstiness;

  public GammaArrivals(double rate, double burstiness) {
    if (!(rate > 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException(
          "request rate must be a positive finite number, got " + rate);
    }
    if (!(burstiness > 0)) {
      throw new IllegalArgumentException("burstiness must be > 0, got " + burstiness);
    }
    this.rate = rate;
    this.burstiness = burstiness;
  }

  @Override
  public long[] offsetsNanos(int n, Rng rng) {
    double[] cumulative = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum +=
          Double.isInfinite(burstiness)
              ? 1.0 / rate
              : rng.gamma(burstiness, 1.0 / (rate * burstiness));
      cumulative[i] = sum;
    }
    double scale = sum > 0 ? (n / rate) / sum : 1.0;
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = Math.round(cumulative[i] * scale * 1e9);
    }
    return out;
  }

  @Override
  public String describe() {
    String kind =
        Double.isInfinite(burstiness)
            ? "constant"
            : burstiness == 1.0 ? "poisson" : "gamma(burstiness=" + burstiness + ")";
    return kind + " " + rate + " req/s";
  }
}
