package io.fleetlb.lb.pool;

/** Receives replica state and membership changes from a {@link ReplicaPool}. */
public interface PoolListener {
  /** The replica was ejected. */
  default void ejected(Replica replica, Ejection ejection) {}

  /** An ejection was due but skipped because the model's ejected share is at its cap. */
  default void ejectionSkipped(Replica replica) {}

  /** The replica came back after an ejection. */
  default void readmitted(Replica replica) {}

  /** An active health check changed the replica's health. */
  default void healthChanged(Replica replica, boolean healthy) {}

  /** A replica joined the pool while the router runs (it serves once a probe passes). */
  default void replicaAdded(Replica replica) {}

  /** A replica left the pool: no new requests; those in flight finish. */
  default void replicaLeaving(Replica replica) {}

  /** A replica that left has nothing in flight any more and is forgotten. */
  default void replicaRemoved(Replica replica) {}
}
