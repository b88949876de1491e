package io.fleetlb.lb.policy;

import io.fleetlb.lb.pool.Replica;
import io.vertx.core.Future;
import java.util.List;

/**
 * Chooses the replica for one request, given the replicas of the requested model that can serve
 * now. Membership and health are decided elsewhere; a policy only selects, does no I/O and never
 * blocks (it runs on an event loop for every request and retry).
 *
 * <p>A policy that must ask something over the network before it can choose (the simulated
 * fleet's oracle) says so with {@link #asynchronous()}; the router then calls
 * {@link #pickAsync} instead and waits for its future without blocking the event loop. Every
 * other policy keeps the synchronous path, unchanged.
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

  /**
   * Whether the policy reads {@link RequestInfo#prompt}: the router then copies the prompt text
   * out of each body as it parses it (a cost only such policies pay); otherwise the prompt is
   * empty.
   */
  default boolean needsPromptText() {
    return false;
  }

  /**
   * The request's size to add to the picked replica's {@link LoadView} sums, called right after
   * a pick on the same thread: the request itself by default. A policy that expects the replica
   * to serve part of the prompt from its cache returns the request with fewer prompt tokens, so
   * the replica's pending prefill is not over-counted. Only the sums see it (rate limits charge
   * the request as sent).
   */
  default RequestInfo dispatched(Replica pick, RequestInfo request) {
    return request;
  }

  /** Whether the router must call {@link #pickAsync} instead of {@code pick}. */
  default boolean asynchronous() {
    return false;
  }

  /**
   * Picks one replica, possibly after asking something over the network; called on the
   * request's event loop, only when {@link #asynchronous()} is true. The future must complete
   * (the policy bounds its own wait) with an element of {@code candidates}; a failed future, null
   * or another replica is a policy error (counted, the first candidate used), as for
   * {@code pick}. The router checks after the wait whether the request is still wanted.
   *
   * @param candidates as in {@link #pick(List, LoadView)}
   * @param load as in {@link #pick(List, LoadView)}
   * @param request as in {@link #pick(List, LoadView, RequestInfo)}, with its body
   * @return the pick, completed on any thread
   */
  default Future<Replica> pickAsync(List<Replica> candidates, LoadView load, RequestInfo request) {
    return Future.succeededFuture(pick(candidates, load, request));
  }
}
