package io.fleetlb.lb.queueaware.config;

import io.fleetlb.lb.config.Validated;
import io.fleetlb.lb.config.Validation;

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
 */
public record PolicyConfig(Double waitingWeight, Double prefillWeight, Double kvThreshold,
    Double kvWeight, Double tieBand, Double speedWeight) implements Validated {
  /** The defaults. */
  public static final PolicyConfig DEFAULT = new PolicyConfig(null, null, null, null, null, null);

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
  }

  private static void weight(Validation at, double value, String field) {
    at.check(Double.isFinite(value) && value >= 0 && value <= 1e6, field, value,
        "must be between 0 and 1000000");
  }
}
