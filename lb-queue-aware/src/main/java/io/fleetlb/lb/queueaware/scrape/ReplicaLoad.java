package io.fleetlb.lb.queueaware.scrape;

/**
 * One replica's load as its vLLM {@code /metrics} reported it, with when that was and the
 * router's own counts for the replica at the same moment (so a policy can add what it dispatched
 * since). Immutable: the scraper replaces a replica's snapshot as a whole.
 *
 * @param running {@code vllm:num_requests_running}, summed over engines
 * @param waiting {@code vllm:num_requests_waiting} plus {@code vllm:num_requests_swapped} (V0,
 *     when present), summed over engines
 * @param kvUsage KV-cache usage from 0 to 1 ({@code vllm:kv_cache_usage_perc}, else V0's
 *     {@code vllm:gpu_cache_usage_perc}), averaged over engines; NaN when not exposed
 * @param kvCapacityTokens KV-cache capacity in tokens from {@code vllm:cache_config_info}
 *     ({@code num_gpu_blocks * block_size}, summed over engines); 0 when unknown
 * @param scrapedAtNanos when the scrape was sent, on the scraper's monotonic clock
 * @param localInFlight the router's requests in flight on the replica at that moment
 * @param localInFlightTokens the router's estimated in-flight tokens on the replica at that moment
 */
public record ReplicaLoad(double running, double waiting, double kvUsage, long kvCapacityTokens,
    long scrapedAtNanos, int localInFlight, long localInFlightTokens) {

  /** Nanoseconds since the scrape, on the same clock as {@link #scrapedAtNanos}. */
  public long ageNanos(long nowNanos) {
    return nowNanos - scrapedAtNanos;
  }

  /** Whether the replica reported its KV-cache usage. */
  public boolean hasKvUsage() {
    return !Double.isNaN(kvUsage);
  }
}
