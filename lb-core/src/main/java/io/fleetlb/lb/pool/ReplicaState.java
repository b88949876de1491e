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
  volatile boolean ejected;
  volatile long ejectedUntilNanos;
  boolean probed;
  int probePasses;
  int probeFailures;
  int ejections;
  long readmittedAtNanos = Long.MIN_VALUE;

  ReplicaState(Replica replica) {
    this.replica = replica;
  }

  boolean available() {
    return healthy && !ejected;
  }
}
