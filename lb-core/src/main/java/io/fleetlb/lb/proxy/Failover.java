package io.fleetlb.lb.proxy;

import io.fleetlb.lb.log.Reason;
import io.fleetlb.lb.policy.RequestInfo;
import io.fleetlb.lb.policy.RoutingPolicy;
import io.fleetlb.lb.pool.Replica;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The replica choices of one request: the policy's pick among the model's available replicas
 * not tried yet, and whether a failed try may be retried (attempts left, another replica left, a
 * retry-budget slot). Confined to the request's event loop.
 */
final class Failover {
  private final ProxyRuntime rt;
  private final String model;
  private final List<Replica> tried = new ArrayList<>(2);
  private boolean slot;
  private Reason lastFailure;

  Failover(ProxyRuntime rt, String model) {
    this.rt = rt;
    this.model = model;
  }

  /** Whether a failure before anything was relayed means the replica did not take the request. */
  static boolean retriable(Reason reason) {
    return reason == Reason.CONNECT_FAILED || reason == Reason.CONNECT_TIMEOUT
        || reason == Reason.UPSTREAM_RESET || reason == Reason.POOL_FULL
        || reason == Reason.REPLICA_STALLED;
  }

  /** The available replicas of the model not tried yet (immutable). */
  List<Replica> remaining() {
    List<Replica> available = rt.pool.available(model);
    if (tried.isEmpty()) {
      return available;
    }
    List<Replica> out = new ArrayList<>(available.size());
    for (Replica r : available) {
      if (!tried.contains(r)) {
        out.add(r);
      }
    }
    return List.copyOf(out);
  }

  /**
   * The candidates the policy chooses from: {@code remaining}, where a replica in its slow start
   * stays with a probability equal to its share (10% rising to 100%), so a returning replica is
   * eased back in whatever the policy; never empty when {@code remaining} is not.
   */
  List<Replica> candidates(List<Replica> remaining) {
    List<Replica> out = null;
    for (int i = 0; i < remaining.size(); i++) {
      Replica r = remaining.get(i);
      double share = rt.pool.slowStartShare(r);
      if (share < 1.0 && ThreadLocalRandom.current().nextDouble() >= share) {
        if (out == null) {
          out = new ArrayList<>(remaining.subList(0, i));
        }
      } else if (out != null) {
        out.add(r);
      }
    }
    if (out == null) {
      return remaining;
    }
    return out.isEmpty() ? remaining : List.copyOf(out);
  }

  /**
   * Asks the policy and records the pick as tried. A policy bug (an exception, null, a replica
   * outside the candidates) must not fail the request: it is counted and the first candidate used.
   */
  Replica choose(List<Replica> candidates, RequestInfo request) {
    Replica pick = null;
    try {
      pick = rt.policy.pick(candidates, rt.pool, request);
    } catch (RuntimeException e) {
      pick = null;
    }
    return tried(candidates, pick);
  }

  /**
   * Asks an asynchronous policy ({@link RoutingPolicy#pickAsync}); the future may complete on
   * any thread and fails on a policy error: pass its outcome to {@link #tried} back on the
   * request's event loop.
   */
  Future<Replica> pickAsync(List<Replica> candidates, RequestInfo request) {
    try {
      Future<Replica> f = rt.policy.pickAsync(candidates, rt.pool, request);
      return f != null ? f : Future.failedFuture("the policy returned no future");
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * Records a pick as tried and returns it; null or a replica outside the candidates is a policy
   * error (counted, the first candidate used instead).
   */
  Replica tried(List<Replica> candidates, Replica pick) {
    if (pick == null || !candidates.contains(pick)) {
      rt.metrics.policyError();
      pick = candidates.get(0);
    }
    tried.add(pick);
    return pick;
  }

  /** Forgets a pick that could not be dispatched (its replica was full): it was not tried. */
  void untry(Replica r) {
    tried.remove(r);
  }

  /**
   * Whether another try may start now. A retry that repeats work ({@code budgeted}) also needs a
   * retry-budget slot, taken here. Moving a request off a replica the router has just ejected
   * while the request waited for its first byte does not: the router gave the replica up, nothing
   * is sent twice, and the replica's in-flight limit bounds how many requests move at once (with
   * the budget's few slots, all but three of them would fail with 502).
   */
  boolean mayRetry(boolean budgeted) {
    if (tried.size() > rt.config.retry().maxRetries() || remaining().isEmpty()) {
      return false;
    }
    if (!budgeted) {
      return true;
    }
    if (!rt.retryBudget.tryAcquire()) {
      rt.metrics.retryBudgetExhausted(model);
      return false;
    }
    slot = true;
    return true;
  }

  /** Hands the slot taken by {@link #mayRetry} to the next attempt (which releases it). */
  boolean takeSlot() {
    boolean s = slot;
    slot = false;
    return s;
  }

  /** Records why the last try failed. */
  void failed(Reason reason) {
    lastFailure = reason;
  }

  /** Why the last try failed, null if none did. */
  Reason lastFailure() {
    return lastFailure;
  }

  /** Tries made so far. */
  int attempts() {
    return tried.size();
  }
}
