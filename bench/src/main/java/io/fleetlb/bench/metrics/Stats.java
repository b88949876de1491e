package io.fleetlb.bench.metrics;

import io.fleetlb.results.LatencyStats;
import io.fleetlb.results.NumpyStats;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One metric's summary the way {@code vllm bench serve} reports it: mean, median, population std
 * and the requested percentiles, computed by {@link NumpyStats}. An empty metric is 0 everywhere,
 * as vLLM's {@code np.mean(x or 0)} makes it.
 */
public final class Stats {
  private Stats() {}

  /** Mean, median, population std and the requested percentiles of one metric. */
  public record Summary(
      int count,
      double mean,
      double median,
      double std,
      double min,
      double max,
      Map<Double, Double> percentiles) {

    public double percentile(double p) {
      Double v = percentiles.get(p);
      if (v == null) {
        throw new IllegalArgumentException("percentile " + p + " was not computed");
      }
      return v;
    }

    /**
     * Puts this summary under vLLM's keys for {@code metric} ({@code mean_ttft_ms}, {@code
     * p99_ttft_ms}, ...).
     */
    public void putInto(Map<String, Double> stats, String metric) {
      LatencyStats.put(stats, metric, mean, median, std, percentiles);
    }
  }

  public static Summary summarize(double[] values, List<Double> percentiles) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    Map<Double, Double> ps = new LinkedHashMap<>();
    for (double p : percentiles) {
      ps.put(p, sorted.length == 0 ? 0 : NumpyStats.percentileSorted(sorted, p));
    }
    if (values.length == 0) {
      return new Summary(0, 0, 0, 0, 0, 0, ps);
    }
    return new Summary(
        values.length,
        NumpyStats.mean(values),
        NumpyStats.percentileSorted(sorted, 50),
        NumpyStats.std(values),
        sorted[0],
        sorted[sorted.length - 1],
        ps);
  }
}
