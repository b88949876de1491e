package io.fleetlb.lb.roundrobin;

import io.fleetlb.lb.policy.LoadView;
import io.fleetlb.lb.policy.RoutingPolicy;
import io.fleetlb.lb.pool.Replica;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Model-aware round-robin: one counter per model, taken modulo the number of that model's
 * replicas that can serve now. It keeps no other state and ignores load, which is what makes it
 * the baseline.
 *
 * <p>{@link Math#floorMod} keeps the index in range when the counter wraps around after 2^63
 * picks (the JDK's and Vert.x's {@code getAndIncrement() % size} turns negative after 2^31).
 */
public final class RoundRobinPolicy implements RoutingPolicy {
  private final ConcurrentHashMap<String, AtomicLong> counters = new ConcurrentHashMap<>();
  private final long start;

  private RoundRobinPolicy(long start) {
    this.start = start;
  }

  /** A policy whose counters start at 0. */
  public static RoundRobinPolicy create() {
    return new RoundRobinPolicy(0);
  }

  /** A policy whose counters start at {@code start} (tests of the wrap-around). */
  static RoundRobinPolicy startingAt(long start) {
    return new RoundRobinPolicy(start);
  }

  @Override
  public Replica pick(List<Replica> candidates, LoadView load) {
    AtomicLong counter = counters.get(candidates.get(0).model());
    if (counter == null) {
      counter = counters.computeIfAbsent(candidates.get(0).model(), m -> new AtomicLong(start));
    }
    return candidates.get(Math.floorMod(counter.getAndIncrement(), candidates.size()));
  }
}
