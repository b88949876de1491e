package io.fleetlb.lb.queueaware.policy;

import io.fleetlb.lb.policy.LoadView;
import io.fleetlb.lb.policy.RequestInfo;
import io.fleetlb.lb.policy.RoutingPolicy;
import io.fleetlb.lb.pool.Replica;
import io.fleetlb.lb.queueaware.config.PolicyConfig;
import io.fleetlb.lb.queueaware.scrape.LoadBoard;
import io.fleetlb.lb.queueaware.scrape.ReplicaLoad;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Least-loaded routing on vLLM's own metrics plus the router's exact local counts: each
 * candidate's load is estimated as {@link PolicyConfig} describes, the lowest wins, and near-equal
 * candidates are chosen among at random.
 *
 * <p>It degrades instead of failing: a replica whose snapshot is older than the staleness bound
 * (or that was never scraped) is judged by the router's own counts alone, so with no usable
 * metrics anywhere the policy is least-outstanding-requests (weighted by pending prefill) with a
 * random tie-break. It never refuses a pick. Reads are lock-free (one volatile load per
 * candidate); it does no I/O and allocates one small array per pick with more than one candidate.
 *
 * <p>With {@code prefix_weight} above 0 a {@link PrefixAffinity} lowers each candidate's load by
 * the prefill its cached prompt prefix would save (unless the loads are out of balance) and
 * learns where each prompt went; at 0 the picks are exactly those without it.
 */
public final class QueueAwarePolicy implements RoutingPolicy {
  /** The most a replica's slowness can multiply its queue. */
  static final double MAX_SPEED_FACTOR = 4;
  private final LoadBoard board;
  private final double waitingWeight;
  private final double prefillPerToken;
  private final double kvThreshold;
  private final double kvWeight;
  private final double tieBand;
  private final double speedWeight;
  private final long staleAfterNanos;
  private final LongSupplier nanoClock;
  private final Supplier<RandomGenerator> random;
  private final Map<Replica, LongAdder> picks = new ConcurrentHashMap<>();
  /** Null when prefix affinity is off. */
  private final PrefixAffinity affinity;

  private QueueAwarePolicy(LoadBoard board, PolicyConfig config, Duration staleAfter,
      LongSupplier nanoClock, Supplier<RandomGenerator> random) {
    this.board = Objects.requireNonNull(board, "board");
    this.waitingWeight = config.waitingWeight();
    this.prefillPerToken = config.prefillWeight() / 1000.0;
    this.kvThreshold = config.kvThreshold();
    this.kvWeight = config.kvWeight();
    this.tieBand = config.tieBand();
    this.speedWeight = config.speedWeight();
    this.staleAfterNanos = staleAfter.toNanos();
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    this.random = Objects.requireNonNull(random, "random");
    this.affinity = config.prefixAware() ? new PrefixAffinity(config) : null;
  }

  /** The policy the router runs: system clock, thread-local randomness. */
  public static QueueAwarePolicy create(LoadBoard board, PolicyConfig config,
      Duration staleAfter) {
    return new QueueAwarePolicy(board, config, staleAfter, System::nanoTime,
        ThreadLocalRandom::current);
  }

  /**
   * A policy on an injected clock (the scraper's) and random source, for exact tests and the
   * virtual-time evaluation. The random source must only be used from one thread then.
   */
  public static QueueAwarePolicy create(LoadBoard board, PolicyConfig config, Duration staleAfter,
      LongSupplier nanoClock, RandomGenerator random) {
    Objects.requireNonNull(random, "random");
    return new QueueAwarePolicy(board, config, staleAfter, nanoClock, () -> random);
  }

  @Override
  public Replica pick(List<Replica> candidates, LoadView load) {
    return pick(candidates, load, RequestInfo.UNKNOWN);
  }

  @Override
  public boolean needsPromptText() {
    return affinity != null;
  }

  @Override
  public RequestInfo dispatched(Replica pick, RequestInfo request) {
    return affinity == null ? request : affinity.dispatched(pick, request);
  }

  @Override
  public Replica pick(List<Replica> candidates, LoadView load, RequestInfo request) {
    int n = candidates.size();
    Replica chosen;
    PrefixAffinity.Match match = null;
    int index = 0;
    long now = 0;
    if (affinity != null) {
      now = nanoClock.getAsLong();
      match = affinity.match(candidates, request, now);
    }
    if (n == 1) {
      chosen = candidates.get(0);
    } else {
      now = affinity != null ? now : nanoClock.getAsLong();
      double fastest = fastestTpot(candidates, now);
      double[] estimates = new double[n];
      for (int i = 0; i < n; i++) {
        double e = estimate(candidates.get(i), load, request, now, fastest);
        // Snapshots are sanitised, so NaN cannot happen; if it did, that replica just loses.
        estimates[i] = Double.isNaN(e) ? Double.POSITIVE_INFINITY : e;
      }
      if (match != null && match.blocks > 0) {
        affinity.score(match, estimates, n, request);
      }
      double best = Double.POSITIVE_INFINITY;
      for (int i = 0; i < n; i++) {
        best = Math.min(best, estimates[i]);
      }
      double limit = best + tieBand;
      int near = 0;
      for (double e : estimates) {
        near += e <= limit ? 1 : 0;
      }
      int k = near == 1 ? 0 : random.get().nextInt(near);
      int i = 0;
      while (estimates[i] > limit || k-- > 0) {
        i++;
      }
      chosen = candidates.get(i);
      index = i;
    }
    if (match != null) {
      affinity.record(match, request, chosen, index, now);
    }
    picks.computeIfAbsent(chosen, r -> new LongAdder()).increment();
    return chosen;
  }

  /**
   * The replica's estimated load for a request of this size at time {@code now} (on the
   * policy's clock), in running-request units.
   */
  public double estimate(Replica replica, LoadView load, RequestInfo request, long now) {
    return estimate(replica, load, request, now, Double.NaN);
  }

  /**
   * The replica's estimate as a pick among {@code candidates} would compute it (its speed
   * factor against the fastest of them).
   */
  public double estimateAmong(Replica replica, List<Replica> candidates, LoadView load,
      RequestInfo request, long now) {
    return estimate(replica, load, request, now, fastestTpot(candidates, now));
  }

  /**
   * The estimate with the speed factor against {@code fastestTpot}, the lowest recent time per
   * output token among the candidates (NaN: no factor).
   */
  double estimate(Replica replica, LoadView load, RequestInfo request, long now,
      double fastestTpot) {
    int inFlight = load.inFlight(replica);
    double prefill = prefillPerToken * load.pendingPromptTokens(replica);
    ReplicaLoad s = board.get(replica);
    if (!usable(s, now)) {
      return inFlight + prefill;
    }
    double queue = Math.max(inFlight,
        s.running() + waitingWeight * s.waiting() + (inFlight - s.localInFlight()));
    return (queue + prefill) * speedFactor(s, fastestTpot)
        + kvPenalty(s, load.inFlightTokens(replica), request);
  }

  /** How much slower than the fastest candidate the replica runs: 1 to 4, 1 when unknown. */
  double speedFactor(ReplicaLoad s, double fastestTpot) {
    if (speedWeight == 0 || !s.hasTpot() || !(fastestTpot > 0)) {
      return 1;
    }
    double ratio = Math.min(MAX_SPEED_FACTOR, Math.max(1, s.tpotSeconds() / fastestTpot));
    return speedWeight == 1 ? ratio : Math.pow(ratio, speedWeight);
  }

  /** The lowest recent time per output token among the candidates with a usable one, else NaN. */
  private double fastestTpot(List<Replica> candidates, long now) {
    if (speedWeight == 0) {
      return Double.NaN;
    }
    double fastest = Double.NaN;
    for (Replica r : candidates) {
      ReplicaLoad s = board.get(r);
      if (usable(s, now) && s.hasTpot() && !(s.tpotSeconds() >= fastest)) {
        fastest = s.tpotSeconds();
      }
    }
    return fastest;
  }

  /** Whether a snapshot exists and is younger than the staleness bound at {@code now}. */
  public boolean usable(ReplicaLoad s, long now) {
    return s != null && s.ageNanos(now) <= staleAfterNanos;
  }

  private double kvPenalty(ReplicaLoad s, long inFlightTokens, RequestInfo request) {
    if (!s.hasKvUsage() || kvWeight == 0) {
      return 0;
    }
    double usage = s.kvUsage();
    if (s.kvCapacityTokens() > 0) {
      long added = Math.max(0, inFlightTokens - s.localInFlightTokens())
          + request.committedTokens();
      usage += (double) added / s.kvCapacityTokens();
    }
    double over = (usage - kvThreshold) / (1 - kvThreshold);
    return over <= 0 ? 0 : kvWeight * over * over;
  }

  /** Requests this policy sent to the replica (its pick count). */
  public long picks(Replica replica) {
    LongAdder n = picks.get(replica);
    return n == null ? 0 : n.sum();
  }

  /** Forgets a replica that left the pool. */
  public void forget(Replica replica) {
    picks.remove(replica);
    if (affinity != null) {
      affinity.forget(replica);
    }
  }

  /** The prefix affinity, null when {@code prefix_weight} is 0. */
  public PrefixAffinity affinity() {
    return affinity;
  }

  /** The current time on the policy's clock. */
  public long now() {
    return nanoClock.getAsLong();
  }
}
