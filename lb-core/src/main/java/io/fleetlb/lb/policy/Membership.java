package io.fleetlb.lb.policy;

import io.fleetlb.lb.pool.PoolListener;
import io.fleetlb.lb.pool.Replica;
import java.util.List;

/**
 * Who is in the pool, for extensions: the current members and their changes (a replica joins
 * when discovered or added to a reloaded configuration, leaves when removed).
 */
public interface Membership {
  /** The current members, in join order. */
  List<Replica> replicas();

  /** Registers a listener for membership and health changes. */
  void addListener(PoolListener listener);
}
