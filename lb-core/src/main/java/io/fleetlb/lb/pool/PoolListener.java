package io.fleetlb.lb.pool;

import java.time.Duration;

/** Receives replica state changes from a {@link ReplicaPool} (logging, timers, gauges). */
public interface PoolListener {
  /** The replica was ejected for {@code duration} after consecutive failures. */
  default void ejected(Replica replica, Duration duration, int ejections) {}

  /** An ejection was due but skipped because the model's ejected share is at its cap. */
  default void ejectionSkipped(Replica replica) {}

  /** The replica came back after an ejection. */
  default void readmitted(Replica replica) {}

  /** An active health check changed the replica's health. */
  default void healthChanged(Replica replica, boolean healthy) {}
}
