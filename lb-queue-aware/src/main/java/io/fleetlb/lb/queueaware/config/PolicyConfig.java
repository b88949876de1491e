package io.fleetlb.lb.queueaware.config;

import io.fleetlb.lb.config.Validated;
import io.fleetlb.lb.config.Validation;
import java.time.Duration;

/**
 * The weights of lb-queue-aware's load estimate ({@code policy:}). A replica's estimate is in
 * units of "running requests":
 *
 * <pre>
 * queue   = running + waiting_weight * waiting + (in flight now - in flight at the scrape)
 *           (never below the router's own in-flight count; the in-flight count alone when the
 *           snapshot is stale or missing)
 * prefill = prefill_weight * (estimated prompt tokens awaiting their first byte) / 1000
 * kv      = kv_weight * max(0, (usage - kv_threshold) / (1 - kv_threshold))^2, where usage is the
 *           scraped KV-cache usage plus the tokens dispatched since the scrape and this
 *           request's own (prompt + output bound), over the replica's KV capacity
 * speed   = (this replica's recent time per output token / the fastest candidate's)^speed_weight,
 *           between 1 and 4; 1 when either is unknown
 * load    = (queue + prefill) * speed + kv
 * </pre>
 *
 * The replica with the lowest load gets the request; replicas within {@code tie_band} of the
 * lowest count as equal and one of them is chosen at random, so a burst between two scrapes
 * spreads instead of herding. Defaults are tuned on the reference fleet (docs/router.md).
 *
 * <p>With {@code prefix_weight} above 0 each candidate's load is lowered by the prefill its
 * cached prompt prefix would save ({@link io.fleetlb.lb.queueaware.policy.PrefixAffinity}), unless
 * the candidates' loads are out of balance. {@code mode: oracle} (simulated fleets only) asks each
 * replica's {@code /sim/estimate} instead ({@link io.fleetlb.lb.queueaware.oracle.OraclePolicy}).
 *
 * @param waitingWeight how many running requests one waiting request weighs: vLLM queues only
 *     when it is out of KV cache or batch slots, so a queue means long waits; default 4
 * @param prefillWeight load per 1,000 estimated prompt tokens the replica has not started
 *     answering (queued or in prefill): the best predictor of the next request's time to first
 *     token; default 10
 * @param kvThreshold KV-cache usage from which the penalty applies, default 0.8
 * @param kvWeight the penalty at a full KV cache (growing with the square of the usage above the
 *     threshold), so a replica about to preempt is avoided; default 100
 * @param tieBand loads within this of the lowest are treated as equal, default 1.0
 * @param speedWeight how much a replica's slowness scales its queue: the recent time per output
 *     token (from vLLM's inter-token latency histogram between scrapes) relative to the fastest
 *     candidate's, to this power, so a GPU that runs 1.5x slower counts its queue 1.5x; default 0
 *     (off): on the reference fleet it did not pay (docs/benchmarks.md)
 * @param mode {@value #QUEUE_AWARE} (default) or {@value #ORACLE}: simulation only, each pick asks
 *     every candidate's vllm-sim {@code POST /sim/estimate} and takes the lowest estimated time
 *     to first token
 * @param prefixWeight how much of the prefill a cached prompt prefix saves counts against a
 *     replica's load (the saving is in the units of {@code prefill_weight}); 0 (default) turns
 *     prefix affinity off, 1 counts it at face value
 * @param prefixBlockChars characters of prompt text per hashed block, default 256 (about 64
 *     tokens, four vLLM blocks)
 * @param prefixIndexMaxBlocks the prefix index's capacity in blocks (24 bytes each), default 65536
 * @param prefixTtl an index entry not refreshed for this long no longer counts, default 5m
 * @param prefixBalanceAbs with {@code prefix_balance_rel}: affinity is ignored while the highest
 *     and lowest candidate loads differ by more than this, default 16
 * @param prefixBalanceRel ... and the highest is more than this times the lowest, default 1.5
 * @param oracleTimeout the longest the oracle waits for every estimate before it falls back to
 *     the queue-aware pick, default 200ms
 */
public record PolicyConfig(Double waitingWeight, Double prefillWeight, Double kvThreshold,
    Double kvWeight, Double tieBand, Double speedWeight, String mode, Double prefixWeight,
    Integer prefixBlockChars, Integer prefixIndexMaxBlocks, Duration prefixTtl,
    Double prefixBalanceAbs, Double prefixBalanceRel, Duration oracleTimeout)
    implements Validated {
  /** The default mode: least-loaded on the scraped metrics and the router's counts. */
  public static final String QUEUE_AWARE = "queue-aware";

  /** The simulation-only mode that asks each replica's engine state at pick time. */
  public static final String ORACLE = "oracle";

  /** The defaults. */
  public static final PolicyConfig DEFAULT = new PolicyConfig(null, null, null, null, null, null);

  /** The queue weights with the defaults for the rest. */
  public PolicyConfig(Double waitingWeight, Double prefillWeight, Double kvThreshold,
      Double kvWeight, Double tieBand, Double speedWeight) {
    this(waitingWeight, prefillWeight, kvThreshold, kvWeight, tieBand, speedWeight, null, null,
        null, null, null, null, null, null);
  }

  /** The weights with the default speed weight. */
  public PolicyConfig(Double waitingWeight, Double prefillWeight, Double kvThreshold,
      Double kvWeight, Double tieBand) {
    this(waitingWeight, prefillWeight, kvThreshold, kvWeight, tieBand, null);
  }

  /** Fills in defaults for absent values. */
  public PolicyConfig {
    waitingWeight = waitingWeight == null ? 4.0 : waitingWeight;
    prefillWeight = prefillWeight == null ? 10.0 : prefillWeight;
    kvThreshold = kvThreshold == null ? 0.8 : kvThreshold;
    kvWeight = kvWeight == null ? 100.0 : kvWeight;
    tieBand = tieBand == null ? 1.0 : tieBand;
    speedWeight = speedWeight == null ? 0.0 : speedWeight;
    mode = mode == null ? QUEUE_AWARE : mode;
    prefixWeight = prefixWeight == null ? 0.0 : prefixWeight;
    prefixBlockChars = prefixBlockChars == null ? 256 : prefixBlockChars;
    prefixIndexMaxBlocks = prefixIndexMaxBlocks == null ? 65536 : prefixIndexMaxBlocks;
    prefixTtl = prefixTtl == null ? Duration.ofMinutes(5) : prefixTtl;
    prefixBalanceAbs = prefixBalanceAbs == null ? 16.0 : prefixBalanceAbs;
    prefixBalanceRel = prefixBalanceRel == null ? 1.5 : prefixBalanceRel;
    oracleTimeout = oracleTimeout == null ? Duration.ofMillis(200) : oracleTimeout;
  }

  /** These settings with prefix affinity at {@code weight} (the other prefix keys as they are). */
  public PolicyConfig withPrefixWeight(double weight) {
    return new PolicyConfig(waitingWeight, prefillWeight, kvThreshold, kvWeight, tieBand,
        speedWeight, mode, weight, prefixBlockChars, prefixIndexMaxBlocks, prefixTtl,
        prefixBalanceAbs, prefixBalanceRel, oracleTimeout);
  }

  /** These settings in {@code mode} with the oracle's wait bounded by {@code timeout}. */
  public PolicyConfig withMode(String mode, Duration timeout) {
    return new PolicyConfig(waitingWeight, prefillWeight, kvThreshold, kvWeight, tieBand,
        speedWeight, mode, prefixWeight, prefixBlockChars, prefixIndexMaxBlocks, prefixTtl,
        prefixBalanceAbs, prefixBalanceRel, timeout);
  }

  /** Whether prefix affinity is on. */
  public boolean prefixAware() {
    return prefixWeight > 0;
  }

  @Override
  public void validate(Validation at) {
    weight(at, waitingWeight, "waiting_weight");
    weight(at, prefillWeight, "prefill_weight");
    at.check(kvThreshold >= 0 && kvThreshold < 1, "kv_threshold", kvThreshold,
        "must be at least 0 and below 1");
    weight(at, kvWeight, "kv_weight");
    weight(at, tieBand, "tie_band");
    at.check(Double.isFinite(speedWeight) && speedWeight >= 0 && speedWeight <= 4, "speed_weight",
        speedWeight, "must be between 0 and 4");
    at.check(QUEUE_AWARE.equals(mode) || ORACLE.equals(mode), "mode", mode,
        "must be " + QUEUE_AWARE + " or " + ORACLE);
    at.check(Double.isFinite(prefixWeight) && prefixWeight >= 0 && prefixWeight <= 100,
        "prefix_weight", prefixWeight, "must be between 0 and 100");
    at.range(prefixBlockChars, 16, 65536, "prefix_block_chars");
    at.range(prefixIndexMaxBlocks, 1024, 1 << 26, "prefix_index_max_blocks");
    at.check(prefixTtl.compareTo(Duration.ofSeconds(1)) >= 0
        && prefixTtl.compareTo(Duration.ofDays(1)) <= 0, "prefix_ttl", prefixTtl,
        "must be between 1s and 24h");
    weight(at, prefixBalanceAbs, "prefix_balance_abs");
    at.check(Double.isFinite(prefixBalanceRel) && prefixBalanceRel >= 1
        && prefixBalanceRel <= 1e6, "prefix_balance_rel", prefixBalanceRel,
        "must be between 1 and 1000000");
    at.check(oracleTimeout.compareTo(Duration.ofMillis(1)) >= 0
        && oracleTimeout.compareTo(Duration.ofSeconds(10)) <= 0, "oracle_timeout",
        oracleTimeout, "must be between 1ms and 10s");
  }

  private static void weight(Validation at, double value, String field) {
    at.check(Double.isFinite(value) && value >= 0 && value <= 1e6, field, value,
        "must be between 0 and 1000000");
  }
}
