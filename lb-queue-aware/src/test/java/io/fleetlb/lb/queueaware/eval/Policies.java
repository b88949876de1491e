package io.fleetlb.lb.queueaware.eval;

import io.fleetlb.lb.policy.LoadView;
import io.fleetlb.lb.policy.RoutingPolicy;
import io.fleetlb.lb.pool.Replica;
import io.fleetlb.lb.queueaware.config.PolicyConfig;
import io.fleetlb.lb.queueaware.policy.QueueAwarePolicy;
import io.fleetlb.lb.queueaware.scrape.LoadBoard;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * The policies the evaluation compares: the baseline's round-robin, queue-aware variants (with or
 * without prefix affinity) and the simulation-only oracle.
 */
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

  /**
   * The queue-aware policy with prefix affinity: {@code policy.prefix_weight}, the balance guard's
   * {@code prefix_balance_abs} and {@code prefix_balance_rel}, {@code prefix_block_chars}; the
   * other keys at their defaults.
   */
  static VirtualFleet.PolicyFactory prefixAware(double weight, double balanceAbs,
      double balanceRel, int blockChars) {
    return queueAware(new PolicyConfig(null, null, null, null, null, null, null, weight,
        blockChars, null, null, balanceAbs, balanceRel, null));
  }

  /** The prefix-aware policy with its defaults ({@code prefix_weight: 1}). */
  static VirtualFleet.PolicyFactory prefixAware() {
    return queueAware(PolicyConfig.DEFAULT.withPrefixWeight(1));
  }

  /** The oracle ({@code policy.mode: oracle}) on the engines' exact state, seeded tie-break. */
  static VirtualFleet.PolicyFactory oracle() {
    return new VirtualFleet.PolicyFactory() {
      @Override
      public RoutingPolicy create(LoadBoard board, LongSupplier clock, int instance) {
        throw new IllegalStateException("the oracle needs the engines' probe");
      }

      @Override
      public RoutingPolicy create(LoadBoard board, LongSupplier clock, int instance,
          EngineProbe probe) {
        return new VirtualOracle(probe, new SplittableRandom(7 + 1000L * instance));
      }
    };
  }
}
