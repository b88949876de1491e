package io.fleetlb.lb.policy;

import io.fleetlb.lb.config.RouterConfig;
import io.fleetlb.lb.pool.Replica;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * What a {@link RouterExtension} gets when the router starts: the Vert.x instance (for timers and
 * HTTP clients), the configuration (including its own section), the members of the pool and
 * their changes, the load view and the admin registry (for its own gauges, exported on
 * {@code /metrics}).
 *
 * @param vertx the router's Vert.x instance
 * @param config the validated configuration
 * @param members the replicas now and as they join and leave
 * @param load the router's per-replica counts
 * @param registry the registry behind the admin {@code /metrics} endpoint
 */
public record RouterContext(Vertx vertx, RouterConfig config, Membership members,
    LoadView load, MeterRegistry registry) {
  /** The current members, in join order (configuration order at start). */
  public List<Replica> replicas() {
    return members.replicas();
  }
}
