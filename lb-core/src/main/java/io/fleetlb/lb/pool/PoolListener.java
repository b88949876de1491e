package io.fleetlb.lb.pool;

/** Receives replica state changes from a {@link ReplicaPool} (logging, timers, gauges). */
public interface PoolListener {
  /** The replica was ejected. */
  default void ejected(Replica replica, Ejection ejection) {}

  /** An ejection was due but skipped because the model's ejected share is at its cap. */
  default void ejectionSkipped(Replica replica) {}

  /** The replica came back after an ejection. */
  default void readmitted(Replica replica) {}

  /** An active health check changed the replica's health. */
  default void healthChanged(Replica replica, boolean healthy) {}
}
