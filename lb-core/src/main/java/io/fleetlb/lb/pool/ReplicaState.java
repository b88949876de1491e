package io.fleetlb.lb.pool;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Health and ejection state of one replica. Fields other than the failure streak are only
 * changed while holding the pool's lock; readers on the request path use the pool's immutable
 * availability snapshot instead.
 */
final class ReplicaState {
  final Replica replica;
  final ReplicaCounters counters = new ReplicaCounters();
  /** Consecutive failures since the last success; reset on success, ejection and readmission. */
  final AtomicInteger failureStreak = new AtomicInteger();

  volatile boolean healthy = true;
  /** Left the pool (removed from the configuration or by discovery); drains what it has. */
  volatile boolean removed;
  /** Joined while the router ran: eased in by the slow start once its first probe passes. */
  boolean joinedLate;
  volatile boolean ejected;
  volatile long ejectedUntilNanos;
  boolean probed;
  int probePasses;
  int probeFailures;
  int ejections;
  /** Passing probes in a row since the replica was ejected (they end the ejection). */
  int passesSinceEjection;
  /**
   * Whether /health failed while the replica was out: then passing probes show it recovered.
   * If it kept passing, it failed requests while reporting healthy, and only time can tell.
   */
  boolean probeFailedWhileOut;
  long readmittedAtNanos = Long.MIN_VALUE;
  /** When the replica last became available again (starts its slow start), MIN_VALUE: never. */
  volatile long returnedAtNanos = Long.MIN_VALUE;
  /** The progress mark that was last checked with a suspicion probe (one probe per silence). */
  volatile long suspectedAtProgress = Long.MIN_VALUE;

  ReplicaState(Replica replica) {
    this.replica = replica;
  }

  boolean available() {
    return healthy && !ejected && !removed;
  }
}
