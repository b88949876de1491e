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
 * @param itlSumSeconds the inter-token latency histogram's {@code _sum} (cumulative; V1
 *     {@code vllm:inter_token_latency_seconds}, else {@code vllm:time_per_output_token_seconds}),
 *     NaN when not exposed
 * @param itlCount the same histogram's {@code _count} (tokens after the first), NaN when not exposed
 * @param tpotSeconds the replica's recent time per output token: the histogram's growth between
 *     scrapes (sum over count), smoothed over scrapes; NaN until two scrapes saw enough tokens
 */
public record ReplicaLoad(double running, double waiting, double kvUsage, long kvCapacityTokens,
    long scrapedAtNanos, int localInFlight, long localInFlightTokens, double itlSumSeconds,
    double itlCount, double tpotSeconds) {

  /** Tokens a replica must have generated between two scrapes for their mean to count. */
  static final double MIN_TOKENS = 8;

  /** A snapshot without token timing. */
  public ReplicaLoad(double running, double waiting, double kvUsage, long kvCapacityTokens,
      long scrapedAtNanos, int localInFlight, long localInFlightTokens) {
    this(running, waiting, kvUsage, kvCapacityTokens, scrapedAtNanos, localInFlight,
        localInFlightTokens, Double.NaN, Double.NaN, Double.NaN);
  }

  /**
   * This snapshot with its recent time per output token, from the inter-token histogram's growth
   * since {@code previous} (the replica's last snapshot, may be null): half the new mean and half
   * the previous estimate; the previous estimate unchanged when too few tokens came out in
   * between (an idle replica keeps its last speed) or the counters went backwards (a restart).
   */
  public ReplicaLoad withRecentTpot(ReplicaLoad previous) {
    double tpot = previous == null ? Double.NaN : previous.tpotSeconds;
    if (previous != null && Double.isFinite(itlSumSeconds) && Double.isFinite(itlCount)
        && Double.isFinite(previous.itlSumSeconds) && Double.isFinite(previous.itlCount)) {
      double tokens = itlCount - previous.itlCount;
      double seconds = itlSumSeconds - previous.itlSumSeconds;
      if (tokens >= MIN_TOKENS && seconds >= 0) {
        double recent = seconds / tokens;
        tpot = Double.isNaN(tpot) ? recent : 0.5 * recent + 0.5 * tpot;
      }
    }
    return new ReplicaLoad(running, waiting, kvUsage, kvCapacityTokens, scrapedAtNanos,
        localInFlight, localInFlightTokens, itlSumSeconds, itlCount, tpot);
  }

  /** Whether the replica's recent time per output token is known. */
  public boolean hasTpot() {
    return Double.isFinite(tpotSeconds) && tpotSeconds > 0;
  }

  /** Nanoseconds since the scrape, on the same clock as {@link #scrapedAtNanos}. */
  public long ageNanos(long nowNanos) {
    return nowNanos - scrapedAtNanos;
  }

  /** Whether the replica reported its KV-cache usage. */
  public boolean hasKvUsage() {
    return !Double.isNaN(kvUsage);
  }
}
