package io.fleetlb.lb.queueaware.eval;

import io.fleetlb.lb.policy.LoadView;
import io.fleetlb.lb.policy.RoutingPolicy;
import io.fleetlb.lb.pool.Replica;
import io.fleetlb.lb.queueaware.config.PolicyConfig;
import io.fleetlb.lb.queueaware.policy.QueueAwarePolicy;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

/** The policies the evaluation compares: the baseline's round-robin and queue-aware variants. */
final class Policies {
  private Policies() {}

  /** lb-roundrobin's algorithm: one counter modulo the candidates. */
  static VirtualFleet.PolicyFactory roundRobin() {
    return (board, clock, instance) -> new RoutingPolicy() {
      private long next;

      @Override
      public Replica pick(List<Replica> candidates, LoadView load) {
        return candidates.get((int) Math.floorMod(next++, (long) candidates.size()));
      }
    };
  }

  /**
   * The queue-aware policy with these weights, staleness bound 1 s, a seeded tie-break (another
   * seed per router instance, as separate processes would have).
   */
  static VirtualFleet.PolicyFactory queueAware(PolicyConfig config) {
    return (board, clock, instance) -> QueueAwarePolicy.create(board, config,
        Duration.ofSeconds(1), clock, new SplittableRandom(7 + 1000L * instance));
  }

  /** The queue-aware policy with its defaults. */
  static VirtualFleet.PolicyFactory queueAware() {
    return queueAware(PolicyConfig.DEFAULT);
  }
}
