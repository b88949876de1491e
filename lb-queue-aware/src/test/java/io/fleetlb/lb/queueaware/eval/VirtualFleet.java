package io.fleetlb.lb.queueaware.eval;

import io.fleetlb.lb.config.EjectionConfig;
import io.fleetlb.lb.config.ReplicaConfig;
import io.fleetlb.lb.policy.RequestInfo;
import io.fleetlb.lb.policy.RoutingPolicy;
import io.fleetlb.lb.pool.AttemptResult;
import io.fleetlb.lb.pool.Dispatch;
import io.fleetlb.lb.pool.Replica;
import io.fleetlb.lb.pool.ReplicaPool;
import io.fleetlb.lb.queueaware.scrape.LoadBoard;
import io.fleetlb.lb.queueaware.scrape.ReplicaLoad;
import io.fleetlb.sim.engine.Emission;
import io.fleetlb.sim.engine.Engine;
import io.fleetlb.sim.engine.EngineGauges;
import io.fleetlb.sim.engine.EngineMetrics;
import io.fleetlb.sim.engine.FinishReason;
import io.fleetlb.sim.engine.MetricsVersion;
import io.fleetlb.sim.engine.Profile;
import io.fleetlb.sim.engine.SequenceSpec;
import io.fleetlb.sim.engine.StepPlan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * Plays the router in front of a pool of vllm-sim engines in virtual time, deterministically: a
 * policy picks a replica for each arrival, lb-core's real {@link ReplicaPool} keeps the exact
 * local counts (dispatch, first byte, finish), and every scrape interval each replica's
 * snapshot is taken from its engine's gauges (as vLLM's {@code /metrics} would report them) and
 * published on a {@link LoadBoard}, staggered across replicas. Streams are assumed, so a
 * request's first byte is its first token.
 *
 * <p>With {@link #routers(int)} several router instances front the same engines, as behind a
 * Kubernetes Service: arrivals are spread over them at random, and each has its own pool (its own
 * in-flight counts only), its own board scraped on its own phase, and its own tie-break seed.
 *
 * <p>Requests read from a bench file ({@link BenchWorkload}) reach the policy as lb-core reads
 * their body (the prompt text only for a policy that {@linkplain RoutingPolicy#needsPromptText
 * asks}), are sized for the pool by {@link RoutingPolicy#dispatched} as lb-core sizes them, and
 * reach the engine as vllm-sim plans them (the prompt's block hashes, for prefix caching when
 * {@link #prefixCaching} is on); a session's later turn is due at its previous turn's finish plus
 * its think time ({@link Arrivals}).
 */
final class VirtualFleet {
  /** Builds the policy under test on the harness's board and virtual clock. */
  @FunctionalInterface
  interface PolicyFactory {
    /** The policy of router instance {@code instance} (0-based). */
    RoutingPolicy create(LoadBoard board, LongSupplier clock, int instance);

    /** The same, for a policy that may also ask each engine about the request being picked. */
    default RoutingPolicy create(LoadBoard board, LongSupplier clock, int instance,
        EngineProbe probe) {
      return create(board, clock, instance);
    }
  }

  /** A replica's step time changing mid-run (a GPU degrading), like {@code POST /sim/faults}. */
  record SlowdownChange(long atNanos, int replica, double slowdown) {}

  private final Profile profile;
  private final double[] slowdowns;
  private long scrapeIntervalNanos = 250_000_000L;
  private boolean[] deadMetrics;
  private double estimateFactor = 1.0;
  private final List<SlowdownChange> changes = new ArrayList<>();
  private int routers = 1;
  private String model = "m";
  private boolean prefixCaching;

  VirtualFleet(Profile profile, double... slowdowns) {
    this.profile = profile;
    this.slowdowns = slowdowns.clone();
    this.deadMetrics = new boolean[slowdowns.length];
  }

  /** The scrape interval (default 250 ms). */
  VirtualFleet scrapeInterval(long nanos) {
    this.scrapeIntervalNanos = nanos;
    return this;
  }

  /** Replicas whose {@code /metrics} never answers. */
  VirtualFleet deadMetrics(int... replicas) {
    for (int r : replicas) {
      deadMetrics[r] = true;
    }
    return this;
  }

  /**
   * How far the router's prompt-size estimate is off (estimated / true tokens, default 1), for
   * requests known by their sizes alone; a bench file's requests carry the router's own estimate.
   */
  VirtualFleet estimateFactor(double factor) {
    this.estimateFactor = factor;
    return this;
  }

  /** How many router instances share the replicas (default 1). */
  VirtualFleet routers(int instances) {
    this.routers = instances;
    return this;
  }

  /** The served model's name (default "m"): the replicas' model, what prompt hashes chain on. */
  VirtualFleet model(String name) {
    this.model = name;
    return this;
  }

  /** Whether the engines cache prompt blocks across requests (default off). */
  VirtualFleet prefixCaching(boolean on) {
    this.prefixCaching = on;
    return this;
  }

  /** Changes a replica's slowdown at a virtual time. */
  VirtualFleet slowdownAt(long atNanos, int replica, double slowdown) {
    changes.add(new SlowdownChange(atNanos, replica, slowdown));
    changes.sort((a, b) -> Long.compare(a.atNanos(), b.atNanos()));
    return this;
  }

  /** Replays the requests through a policy until every one has finished. */
  RunResult run(List<Workload.Request> requests, PolicyFactory factory) {
    return new Run(requests, factory).execute();
  }

  private final class Run {
    private final List<Workload.Request> requests;
    private final int n = slowdowns.length;
    private final Engine[] engines = new Engine[n];
    private final StepPlan[] plans = new StepPlan[n];
    private final long[] engineNow = new long[n];
    /** When router k next scrapes replica i: [k][i]. */
    private final long[][] nextScrape = new long[routers][n];
    private final List<Map<Long, Track>> live = new ArrayList<>();
    private final ReplicaPool[] pools = new ReplicaPool[routers];
    private final LoadBoard[] boards = new LoadBoard[routers];
    private final RoutingPolicy[] policies = new RoutingPolicy[routers];
    private final SplittableRandom spread = new SplittableRandom(42);
    private final RunResult.Builder result;
    private final Arrivals arrivals;
    /** The engine's view of the request being picked, for the oracle's probe. */
    private SequenceSpec probing;
    private long clock;

    Run(List<Workload.Request> requests, PolicyFactory factory) {
      this.requests = requests;
      this.arrivals = new Arrivals(requests);
      List<ReplicaConfig> configs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        configs.add(new ReplicaConfig("r" + i, "http://127.0.0.1:" + (9000 + i), model));
        engines[i] = new Engine(profile, profile.maxNumSeqs(), profile.maxNumBatchedTokens(),
            slowdowns[i], prefixCaching, new EngineMetrics(MetricsVersion.V1,
            profile.maxModelLen()));
        live.add(new HashMap<>());
      }
      // Each instance scrapes on its own phase, as independent processes started at
      // different times would: staggered across replicas within an instance.
      SplittableRandom phases = new SplittableRandom(99);
      for (int k = 0; k < routers; k++) {
        long phase = k == 0 ? 0 : phases.nextLong(scrapeIntervalNanos);
        for (int i = 0; i < n; i++) {
          nextScrape[k][i] = (phase + scrapeIntervalNanos * i / n) % scrapeIntervalNanos;
        }
        pools[k] = new ReplicaPool(configs, EjectionConfig.DEFAULT, () -> clock);
        boards[k] = new LoadBoard();
        policies[k] = factory.create(boards[k], () -> clock, k,
            r -> engines[r.index()].estimate(probing, clock));
      }
      result = new RunResult.Builder(requests.size(), n);
    }

    RunResult execute() {
      int change = 0;
      while (true) {
        long arrival = arrivals.next();
        long stepEnd = Long.MAX_VALUE;
        boolean busy = false;
        for (int i = 0; i < n; i++) {
          if (plans[i] == null && !engines[i].idle()) {
            StepPlan p = engines[i].schedule(Math.max(engineNow[i], clock));
            plans[i] = p.isEmpty() ? null : p;
          }
          if (plans[i] != null) {
            stepEnd = Math.min(stepEnd, plans[i].endNanos());
            busy = true;
          }
        }
        if (arrival == Long.MAX_VALUE && !busy) {
          break;
        }
        long scrape = Long.MAX_VALUE;
        for (long[] perRouter : nextScrape) {
          for (long s : perRouter) {
            scrape = Math.min(scrape, s);
          }
        }
        long slow = change < changes.size() ? changes.get(change).atNanos() : Long.MAX_VALUE;
        clock = Math.min(Math.min(arrival, stepEnd), Math.min(scrape, slow));
        if (clock == stepEnd) {
          completeSteps();
        } else if (clock == slow) {
          SlowdownChange c = changes.get(change++);
          engines[c.replica()].setSlowdown(c.slowdown());
        } else if (clock == scrape) {
          scrapeDue();
        } else {
          int index = arrivals.take();
          dispatch(index, requests.get(index));
        }
      }
      for (int i = 0; i < n; i++) {
        EngineMetrics m = engines[i].metrics();
        result.preemptions(i, m.preemptions.get());
        result.prefixCache(m.prefixQueries.get(), m.prefixHits.get());
        for (ReplicaPool pool : pools) {
          Replica r = pool.replicas().get(i);
          if (pool.inFlight(r) != 0 || pool.awaitingFirstByte(r) != 0
              || pool.pendingPromptTokens(r) != 0 || pool.inFlightTokens(r) != 0) {
            throw new IllegalStateException("counts of " + r + " not back to 0");
          }
        }
      }
      return result.build(clock);
    }

    private void completeSteps() {
      for (int i = 0; i < n; i++) {
        if (plans[i] == null || plans[i].endNanos() != clock) {
          continue;
        }
        for (Emission e : engines[i].complete(plans[i])) {
          Track t = live.get(i).get(e.sequenceId());
          if (e.index() == 0) {
            t.dispatch.firstByte();
            result.firstToken(t.index, clock - t.arrival);
          }
          if (e.last()) {
            t.dispatch.finish(AttemptResult.COMPLETED);
            live.get(i).remove(e.sequenceId());
            result.finished(t.index, i, clock - t.arrival, e.index() + 1);
            arrivals.finished(t.index, clock);
          }
        }
        engineNow[i] = clock;
        plans[i] = null;
      }
    }

    private void scrapeDue() {
      for (int k = 0; k < routers; k++) {
        ReplicaPool pool = pools[k];
        for (int i = 0; i < n; i++) {
          if (nextScrape[k][i] != clock) {
            continue;
          }
          nextScrape[k][i] += scrapeIntervalNanos;
          if (deadMetrics[i]) {
            continue;
          }
          Replica r = pool.replicas().get(i);
          EngineGauges g = engines[i].metrics().gauges();
          boards[k].publish(r, new ReplicaLoad(g.running(), g.waiting(), g.kvUsage(),
              profile.kvCapacityTokens(), clock, pool.inFlight(r), pool.inFlightTokens(r)));
        }
      }
    }

    private void dispatch(int index, Workload.Request q) {
      int k = routers == 1 ? 0 : spread.nextInt(routers);
      RoutingPolicy policy = policies[k];
      RequestInfo info = routerView(q, policy.needsPromptText());
      SequenceSpec spec = q.spec() != null ? q.spec() : new SequenceSpec(q.promptTokens(),
          q.outputTokens(), FinishReason.LENGTH, q.maxTokens());
      // What /sim/estimate asks the engine: the prompt, one output token.
      probing = new SequenceSpec(spec.promptTokens(), 1, FinishReason.LENGTH, 1, spec.prompt(), 0);
      ReplicaPool pool = pools[k];
      Replica r = policy.pick(pool.available(model), pool, info);
      // As lb-core's Exchange.sized: the policy sizes the request as the pick will see it.
      RequestInfo sized = policy.dispatched(r, info);
      Dispatch d = pool.dispatch(r, sized == null ? info : sized);
      int i = r.index();
      long id = engines[i].submit(spec, clock);
      live.get(i).put(id, new Track(index, clock, d));
      result.routed(i);
    }
  }

  /** The request as the router reads it: its body's, else its sizes (prompt estimate skewed). */
  private RequestInfo routerView(Workload.Request q, boolean promptText) {
    if (q.info() == null) {
      return new RequestInfo((int) Math.round(q.promptTokens() * estimateFactor), q.maxTokens(),
          true);
    }
    RequestInfo info = q.info();
    return promptText ? info : new RequestInfo(info.promptTokens(), info.maxTokens(),
        info.stream());
  }

  private record Track(int index, long arrival, Dispatch dispatch) {}
}
