package io.fleetlb.lb.queueaware.metrics;

import io.fleetlb.lb.policy.RouterContext;
import io.fleetlb.lb.policy.RouterExtension;
import io.fleetlb.lb.pool.PoolListener;
import io.fleetlb.lb.pool.Replica;
import io.fleetlb.lb.queueaware.policy.PrefixAffinity;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The prefix index on the admin {@code /metrics} ({@code policy.prefix_weight} above 0): its size
 * and evictions, and per model what the picks found in it (label {@code model}).
 */
public final class PrefixMetrics implements RouterExtension, PoolListener {
  private final PrefixAffinity affinity;
  private final Set<String> models = ConcurrentHashMap.newKeySet();
  private MeterRegistry registry;

  /** Meters for this affinity, registered when the router starts. */
  public PrefixMetrics(PrefixAffinity affinity) {
    this.affinity = Objects.requireNonNull(affinity, "affinity");
  }

  @Override
  public Future<Void> start(RouterContext ctx) {
    registry = ctx.registry();
    Gauge.builder("lb.prefix.index.blocks", affinity, PrefixAffinity::indexBlocks)
        .description("Prompt blocks held in the prefix index (expired ones until replaced)")
        .register(registry);
    Gauge.builder("lb.prefix.index.capacity.blocks", affinity, PrefixAffinity::indexCapacity)
        .description("Prompt blocks the prefix index holds at most (policy.prefix_index_max_blocks"
            + " rounded up)").register(registry);
    FunctionCounter.builder("lb.prefix.index.evictions", affinity, PrefixAffinity::evictions)
        .description("Index entries replaced before their TTL to make room (the index is too "
            + "small for the traffic)").register(registry);
    ctx.replicas().forEach(this::replicaAdded);
    ctx.members().addListener(this);
    return Future.succeededFuture();
  }

  @Override
  public void replicaAdded(Replica replica) {
    String model = replica.model();
    if (!models.add(model)) {
      return;
    }
    PrefixAffinity.Counts c = affinity.counts(model);
    counter(model, c, "lb.prefix.requests", PrefixAffinity.Counts::requests,
        "Picks of a prompt with at least one full block");
    counter(model, c, "lb.prefix.hits", PrefixAffinity.Counts::hits,
        "Picks whose chosen replica held at least the prompt's first block");
    counter(model, c, "lb.prefix.queried.blocks", PrefixAffinity.Counts::queriedBlocks,
        "Full prompt blocks of the picked requests");
    counter(model, c, "lb.prefix.matched.blocks", PrefixAffinity.Counts::matchedBlocks,
        "Of them, the leading blocks the index held for the chosen replica");
    counter(model, c, "lb.prefix.guard", PrefixAffinity.Counts::guarded,
        "Picks where a candidate held blocks but the loads were out of balance, so the pick "
            + "was by load alone");
  }

  private void counter(String model, PrefixAffinity.Counts c, String name,
      ToDoubleFunction<PrefixAffinity.Counts> value, String help) {
    FunctionCounter.builder(name, c, value).description(help).tag("model", model)
        .register(registry);
  }
}
