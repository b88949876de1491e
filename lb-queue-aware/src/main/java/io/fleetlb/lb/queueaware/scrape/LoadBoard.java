package io.fleetlb.lb.queueaware.scrape;

import io.fleetlb.lb.pool.Replica;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest {@link ReplicaLoad} of every replica: the scraper writes, the policy reads. A read is
 * one lock-free map lookup and always sees a whole snapshot, never half of one. Replicas that
 * join get an entry at their first successful scrape; those that leave are removed.
 */
public final class LoadBoard {
  private final Map<Replica, ReplicaLoad> loads = new ConcurrentHashMap<>();

  /** The replica's latest snapshot, or null before its first successful scrape. */
  public ReplicaLoad get(Replica replica) {
    return loads.get(replica);
  }

  /** Replaces the replica's snapshot. */
  public void publish(Replica replica, ReplicaLoad load) {
    loads.put(replica, load);
  }

  /** Forgets a replica that left the pool. */
  public void remove(Replica replica) {
    loads.remove(replica);
  }
}
