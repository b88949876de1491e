package io.fleetlb.results;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * vLLM's flat statistic keys, {@code mean_ttft_ms}, {@code median_ttft_ms}, {@code std_ttft_ms},
 * {@code p99_ttft_ms}, {@code p99.9_itl_ms}: written into, and read from, the statistics map that
 * results and their blocks carry beside their fixed keys.
 */
public final class LatencyStats {
  private LatencyStats() {}

  /** Whether a key is one of vLLM's statistic keys ({@code max_schedule_lag_ms} included). */
  public static boolean isKey(String key) {
    return key.matches("(mean|median|std|max|p[0-9]+(\\.[0-9]+)?)_[a-z0-9_]+_ms");
  }

  /**
   * The key of percentile {@code p} of {@code metric}: {@code p99_ttft_ms}, {@code p99.9_itl_ms}.
   */
  public static String percentileKey(double p, String metric) {
    return "p" + NumpyStats.percentileWord(p) + "_" + metric + "_ms";
  }

  /**
   * Puts mean, median, std and the percentiles of one metric under vLLM's keys.
   *
   * @param percentiles percentile to value, in the order to write
   */
  public static void put(
      Map<String, Double> into,
      String metric,
      double mean,
      double median,
      double std,
      Map<Double, Double> percentiles) {
    into.put("mean_" + metric + "_ms", mean);
    into.put("median_" + metric + "_ms", median);
    into.put("std_" + metric + "_ms", std);
    percentiles.forEach((p, v) -> into.put(percentileKey(p, metric), v));
  }

  /** A new insertion-ordered statistics map. */
  public static Map<String, Double> map() {
    return new LinkedHashMap<>();
  }
}
