package io.fleetlb.lb.queueaware.scrape;

import io.fleetlb.prom.MetricsSnapshot;
import io.fleetlb.prom.Sample;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Reads the few series a router needs from one vLLM exposition, V1 (v0.8 and later) or V0 names
 * alike (research: vllm-facts.md 1.2-1.3).
 *
 * <p>Series are filtered by {@code model_name} equal to the replica's configured model. A vLLM
 * server serves one base model whose label is its first served name, so when clients use another
 * alias nothing matches: then every series of the name counts rather than none.
 */
public final class VllmLoadReader {
  static final String RUNNING = "vllm:num_requests_running";
  static final String WAITING = "vllm:num_requests_waiting";
  static final String SWAPPED = "vllm:num_requests_swapped";
  static final String KV_USAGE = "vllm:kv_cache_usage_perc";
  static final String KV_USAGE_V0 = "vllm:gpu_cache_usage_perc";
  static final String CACHE_CONFIG = "vllm:cache_config_info";
  static final String ITL = "vllm:inter_token_latency_seconds";
  static final String ITL_V0 = "vllm:time_per_output_token_seconds";

  private VllmLoadReader() {}

  /**
   * The replica's load, with the scrape time and the router's counts at that time.
   *
   * @throws ScrapeException ({@link ScrapeFailure#NOT_VLLM}) without a running-requests series
   */
  public static ReplicaLoad read(MetricsSnapshot m, String model, long scrapedAtNanos,
      int localInFlight, long localInFlightTokens) throws ScrapeException {
    if (!m.has(RUNNING)) {
      throw new ScrapeException(ScrapeFailure.NOT_VLLM, "no " + RUNNING + " series");
    }
    double running = sum(m, RUNNING, model).orElse(0);
    double waiting = sum(m, WAITING, model).orElse(0) + sum(m, SWAPPED, model).orElse(0);
    String kvName = m.has(KV_USAGE) ? KV_USAGE : KV_USAGE_V0;
    String itl = m.has(ITL + "_count") ? ITL : ITL_V0;
    double itlSum = sum(m, itl + "_sum", model).orElse(Double.NaN);
    double itlCount = sum(m, itl + "_count", model).orElse(Double.NaN);
    return new ReplicaLoad(nonNegative(running), nonNegative(waiting),
        mean(m.samples(kvName), model), capacity(m.samples(CACHE_CONFIG)), scrapedAtNanos,
        localInFlight, localInFlightTokens, finiteOrNaN(itlSum), finiteOrNaN(itlCount), Double.NaN);
  }

  private static OptionalDouble sum(MetricsSnapshot m, String name, String model) {
    for (Sample s : m.samples(name)) {
      if (model.equals(s.label("model_name"))) {
        return m.sumOf(name, "model_name", model);
      }
    }
    return m.sumOf(name);
  }

  private static double finiteOrNaN(double v) {
    return Double.isFinite(v) && v >= 0 ? v : Double.NaN;
  }

  private static double nonNegative(double v) {
    return Double.isFinite(v) && v > 0 ? v : 0;
  }

  /**
   * KV usage averaged over engines: each data-parallel engine has its own cache, so two engines
   * half full are a half-full replica, not a full one (a sum would say 1.0).
   */
  private static double mean(List<Sample> samples, String model) {
    double total = 0;
    int n = 0;
    boolean anyMine = samples.stream().anyMatch(s -> model.equals(s.label("model_name")));
    for (Sample s : samples) {
      if ((!anyMine || model.equals(s.label("model_name"))) && Double.isFinite(s.value())) {
        total += s.value();
        n++;
      }
    }
    return n == 0 ? Double.NaN : Math.min(1, Math.max(0, total / n));
  }

  /** {@code num_gpu_blocks * block_size} over engines; 0 when any engine's is unknown. */
  private static long capacity(List<Sample> samples) {
    long total = 0;
    for (Sample s : samples) {
      long blocks = parse(s.label("num_gpu_blocks"));
      long blockSize = parse(s.label("block_size"));
      if (blocks <= 0 || blockSize <= 0) {
        return 0;
      }
      total += blocks * blockSize;
    }
    return total;
  }

  private static long parse(String label) {
    if (label == null) {
      return -1;
    }
    try {
      return Long.parseLong(label.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
