package io.fleetlb.lb.queueaware.eval;

import io.fleetlb.lb.policy.LoadView;
import io.fleetlb.lb.policy.RequestInfo;
import io.fleetlb.lb.policy.RoutingPolicy;
import io.fleetlb.lb.pool.Replica;
import io.fleetlb.sim.engine.Estimate;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The oracle of {@code policy.mode: oracle} in virtual time: each pick asks every candidate's
 * engine for its exact estimated time to first token of this request (vllm-sim's
 * {@code TtftEstimator}, what {@code POST /sim/estimate} answers) and takes the lowest; ties go to
 * fewer running sequences, then at random (seeded), as {@code OraclePolicy} decides. There is no
 * network, so it never falls back.
 */
final class VirtualOracle implements RoutingPolicy {
  private final EngineProbe probe;
  private final SplittableRandom random;

  VirtualOracle(EngineProbe probe, SplittableRandom random) {
    this.probe = probe;
    this.random = random;
  }

  @Override
  public Replica pick(List<Replica> candidates, LoadView load) {
    return pick(candidates, load, RequestInfo.UNKNOWN);
  }

  @Override
  public Replica pick(List<Replica> candidates, LoadView load, RequestInfo request) {
    Replica best = null;
    Estimate bestEstimate = null;
    int ties = 0;
    for (Replica r : candidates) {
      Estimate e = probe.estimate(r);
      int c = best == null ? -1 : compare(e, bestEstimate);
      if (c < 0) {
        best = r;
        bestEstimate = e;
        ties = 1;
      } else if (c == 0 && random.nextInt(++ties) == 0) {
        best = r;
        bestEstimate = e;
      }
    }
    return best;
  }

  /** Lower estimated time to first token first, then fewer running. */
  private static int compare(Estimate a, Estimate b) {
    int c = Long.compare(a.ttftNanos(), b.ttftNanos());
    return c != 0 ? c : Integer.compare(a.running(), b.running());
  }
}
