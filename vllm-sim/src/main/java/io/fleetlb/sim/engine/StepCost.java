package io.fleetlb.sim.engine;

/**
 * The performance model of one engine step on one GPU (research: vllm-facts.md section 4.3).
 *
 * <p>A step runs every scheduled token through one forward pass, so its time is {@code overhead +
 * max(weightStream, prefillPerToken * tokens) + decodePerSeq * decodes + kvPerContextToken *
 * sum(decode contexts) + attnPerTokenPair * prefill attention pairs}: small batches are bound by
 * streaming the weights, large ones by compute; decodes add a per-sequence cost (sampling,
 * bookkeeping) and the KV reads of their whole context; prefill chunks add attention that grows
 * with the square of the chunk. All figures are milliseconds.
 *
 * @param overheadMs fixed CPU and launch cost of a step
 * @param weightStreamMs time to stream the weights once (the floor of any step)
 * @param prefillPerTokenMs compute time per scheduled token once compute-bound
 * @param decodePerSeqMs extra time per decoding sequence
 * @param kvPerContextTokenMs KV-cache read time per context token of each decoding sequence
 * @param attnPerTokenPairMs prefill attention time per (query token, key token) pair
 */
public record StepCost(
    double overheadMs,
    double weightStreamMs,
    double prefillPerTokenMs,
    double decodePerSeqMs,
    double kvPerContextTokenMs,
    double attnPerTokenPairMs) {

  /**
   * Duration of one step in nanoseconds.
   *
   * @param scheduledTokens all tokens computed this step (prefill chunks plus one per decode)
   * @param decodeSeqs sequences decoding one token this step
   * @param decodeContextTokens sum of the context lengths of those sequences
   * @param prefillPairs sum over prefill chunks of {@code chunk * (alreadyComputed + chunk / 2)}
   * @param slowdown multiplier for a degraded GPU (1 = healthy)
   */
  public long stepNanos(
      int scheduledTokens,
      int decodeSeqs,
      long decodeContextTokens,
      double prefillPairs,
      double slowdown) {
    double ms =
        overheadMs
            + Math.max(weightStreamMs, prefillPerTokenMs * scheduledTokens)
            + decodePerSeqMs * decodeSeqs
            + kvPerContextTokenMs * decodeContextTokens
            + attnPerTokenPairMs * prefillPairs;
    return Math.round(ms * slowdown * 1_000_000.0);
  }

  /**
   * Scheduled tokens per step at which the step stops being weight-bound and becomes compute-bound.
   */
  public double saturationTokens() {
    return weightStreamMs / prefillPerTokenMs;
  }
}
