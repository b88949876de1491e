package io.fleetlb.lb.policy;

import io.fleetlb.lb.pool.Replica;
import java.util.List;

/**
 * Chooses the replica for one request, given the replicas of the requested model that can serve
 * now. Membership and health are decided elsewhere; a policy only selects, does no I/O and never
 * blocks (it runs on an event loop for every request and retry).
 */
@FunctionalInterface
public interface RoutingPolicy {
  /**
   * Picks one replica.
   *
   * @param candidates the available replicas of one model, in configuration order, never empty,
   *     immutable; on a retry the replicas already tried are left out
   * @param load the router's own per-replica counts
   * @return one element of {@code candidates}
   */
  Replica pick(List<Replica> candidates, LoadView load);

  /**
   * Picks one replica for a request whose size the router estimated from its body; the router
   * calls this form. Policies that ignore request sizes (round-robin) need not override it.
   *
   * @param candidates as in {@link #pick(List, LoadView)}
   * @param load as in {@link #pick(List, LoadView)}
   * @param request the request's estimated prompt size, output bound and streaming flag
   * @return one element of {@code candidates}
   */
  default Replica pick(List<Replica> candidates, LoadView load, RequestInfo request) {
    return pick(candidates, load);
  }
}
