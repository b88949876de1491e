package io.fleetlb.lb.queueaware.eval;

import io.fleetlb.lb.pool.Replica;
import io.fleetlb.sim.engine.Estimate;

/** The oracle's view ({@code POST /sim/estimate}): a replica's engine on the current request. */
@FunctionalInterface
interface EngineProbe {
  /** What the replica's engine would do with the request being picked, from its exact state. */
  Estimate estimate(Replica replica);
}
