package io.fleetlb.lb.policy;

import io.fleetlb.lb.pool.Replica;

/**
 * A read-only view of the router's own, exact per-replica request counts. Reads are lock-free
 * and cheap; counts from different calls may be a few requests apart under load.
 *
 * <p>Every sum is exact: added when an attempt is dispatched and removed exactly once (on its
 * first response byte for the first-byte figures, when it ends for the others), on every path.
 *
 * <p>{@link #dispatched} is monotonic, so a policy that samples it together with a scraped
 * snapshot can later compute "requests dispatched since that snapshot" as a difference.
 */
public interface LoadView {
  /** Requests sent to the replica and not finished yet. */
  int inFlight(Replica replica);

  /** Requests ever sent to the replica (monotonic, including retries' attempts). */
  long dispatched(Replica replica);

  /** Attempts that ended with the response relayed to its end (monotonic). */
  long completed(Replica replica);

  /** Attempts that failed (monotonic). */
  long failed(Replica replica);

  /** Attempts reset because the client went away (monotonic). */
  long cancelled(Replica replica);

  /**
   * Requests sent to the replica that have not received a response byte yet. For a streamed
   * answer the first byte comes with the first token, so these are the requests queued or in
   * prefill there: the freshest predictor of the next request's time to first token.
   */
  int awaitingFirstByte(Replica replica);

  /** The estimated prompt tokens ({@link RequestInfo#promptTokens}) of those requests. */
  long pendingPromptTokens(Replica replica);

  /**
   * The estimated prompt plus requested output tokens ({@link RequestInfo#committedTokens}) of
   * the requests in flight on the replica: KV cache they may still claim there.
   */
  long inFlightTokens(Replica replica);

  /** Attempts that ended in any way: completed + failed + cancelled (monotonic). */
  default long finished(Replica replica) {
    return completed(replica) + failed(replica) + cancelled(replica);
  }
}
