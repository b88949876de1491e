package io.fleetlb.lb.pool;

/** How one upstream attempt ended, for the per-replica counters. */
public enum AttemptResult {
  /** The response was relayed to its end (whatever its status). */
  COMPLETED,
  /** The attempt failed: connect error, reset, timeout, broken stream, or discarded for a retry. */
  FAILED,
  /** The client went away and the attempt was reset on purpose. */
  CANCELLED
}
