package io.fleetlb.lb.queueaware.scrape;

import io.fleetlb.lb.pool.Replica;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The latest {@link ReplicaLoad} of every replica, indexed by {@link Replica#index()}: the
 * scraper writes, the policy reads. A read is one volatile load (no lock) and always sees a whole
 * snapshot, never half of one.
 */
public final class LoadBoard {
  private final AtomicReferenceArray<ReplicaLoad> loads;

  /** A board for {@code replicas} replicas, with no snapshot yet. */
  public LoadBoard(int replicas) {
    this.loads = new AtomicReferenceArray<>(replicas);
  }

  /** The replica's latest snapshot, or null before its first successful scrape. */
  public ReplicaLoad get(Replica replica) {
    return loads.get(replica.index());
  }

  /** Replaces the replica's snapshot. */
  public void publish(Replica replica, ReplicaLoad load) {
    loads.set(replica.index(), load);
  }

  /** How many replicas the board holds. */
  public int size() {
    return loads.length();
  }
}
