package io.fleetlb.lb.pool;

import io.fleetlb.lb.config.EjectionConfig;
import io.fleetlb.lb.config.ReplicaConfig;
import io.fleetlb.lb.policy.LoadView;
import io.fleetlb.lb.policy.RequestInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The configured replicas, grouped by model, with their health, ejection state and exact request
 * counts. The request path reads an immutable per-model snapshot of the replicas that can serve
 * now; every state change publishes a new snapshot.
 */
public final class ReplicaPool implements LoadView {
  private final List<Replica> replicas;
  private final List<ReplicaState> states;
  private final Map<String, List<Replica>> byModel;
  private final EjectionConfig ejection;
  private final LongSupplier nanoClock;
  private final List<PoolListener> listeners = new CopyOnWriteArrayList<>();
  private volatile Map<String, List<Replica>> available;
  private static final double MIN_SLOW_START_SHARE = 0.1;

  /**
   * Creates the pool; every replica starts healthy and not ejected.
   *
   * @param configs validated replica configurations
   * @param ejection ejection settings
   * @param nanoClock monotonic time in nanoseconds (injected for tests)
   */
  public ReplicaPool(List<ReplicaConfig> configs, EjectionConfig ejection, LongSupplier nanoClock) {
    this.ejection = Objects.requireNonNull(ejection, "ejection");
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    List<Replica> list = new ArrayList<>();
    List<ReplicaState> st = new ArrayList<>();
    Map<String, List<Replica>> models = new LinkedHashMap<>();
    for (ReplicaConfig c : configs) {
      Replica r = new Replica(c, list.size());
      list.add(r);
      st.add(new ReplicaState(r));
      models.computeIfAbsent(r.model(), m -> new ArrayList<>()).add(r);
    }
    this.replicas = List.copyOf(list);
    this.states = List.copyOf(st);
    Map<String, List<Replica>> frozen = new LinkedHashMap<>();
    models.forEach((m, rs) -> frozen.put(m, List.copyOf(rs)));
    this.byModel = Collections.unmodifiableMap(frozen);
    publish();
  }

  /** Registers a listener for state changes. */
  public void addListener(PoolListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Every replica in configuration order. */
  public List<Replica> replicas() {
    return replicas;
  }

  /** The served models in configuration order (first appearance). */
  public List<String> models() {
    return List.copyOf(byModel.keySet());
  }

  /** Whether some replica serves {@code model}. */
  public boolean serves(String model) {
    return byModel.containsKey(model);
  }

  /** All replicas of a model (empty if none). */
  public List<Replica> replicas(String model) {
    return byModel.getOrDefault(model, List.of());
  }

  /** The replicas of a model that can serve now: healthy and not ejected (immutable). */
  public List<Replica> available(String model) {
    return available.getOrDefault(model, List.of());
  }

  /** Whether any replica of any model can serve now. */
  public boolean anyAvailable() {
    for (List<Replica> rs : available.values()) {
      if (!rs.isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /** Whether the replica passes active health checks (or they are off). */
  public boolean healthy(Replica r) {
    return state(r).healthy;
  }

  /** Whether the replica is currently ejected. */
  public boolean ejected(Replica r) {
    return state(r).ejected;
  }

  /** Whether the replica is ejected and its ejection time is over (awaiting a passing probe). */
  public boolean ejectionOver(Replica r) {
    ReplicaState s = state(r);
    return s.ejected && nanoClock.getAsLong() - s.ejectedUntilNanos >= 0;
  }

  /** How many times the replica has been ejected. */
  public synchronized int ejections(Replica r) {
    return state(r).ejections;
  }

  /**
   * How long a client should wait before retrying a model that has no available replica: the
   * time until the first ejection ends, or {@code fallback} when no replica of it is ejected.
   */
  public Duration retryAfter(String model, Duration fallback) {
    long now = nanoClock.getAsLong();
    long best = Long.MAX_VALUE;
    for (Replica r : replicas(model)) {
      ReplicaState s = state(r);
      if (s.ejected && s.healthy) {
        best = Math.min(best, Math.max(0, s.ejectedUntilNanos - now));
      }
    }
    return best == Long.MAX_VALUE ? fallback : Duration.ofNanos(Math.min(best,
        fallback.toNanos()));
  }

  /**
   * The share of requests a replica that came back recently should get, ramping linearly from
   * 10% to 100% over {@code ejection.slow_start}; 1 for every other replica (and at start-up).
   */
  public double slowStartShare(Replica r) {
    long since = state(r).returnedAtNanos;
    long window = ejection.slowStart().toNanos();
    if (since == Long.MIN_VALUE || window == 0) {
      return 1.0;
    }
    double share = (double) (nanoClock.getAsLong() - since) / window;
    return share >= 1 ? 1.0 : Math.max(MIN_SLOW_START_SHARE, share);
  }

  /**
   * When the replica last showed progress (a response byte, an attempt's end, or the dispatch that
   * ended its idleness), {@link System#nanoTime} based.
   */
  public long lastProgressNanos(Replica r) {
    return state(r).counters.lastProgressNanos;
  }

  /** Attempts on the replica relaying a stream that has started. */
  public int streamsStarted(Replica r) {
    return state(r).counters.streamsStarted.get();
  }

  /**
   * Whether a replica with requests in flight has shown no progress for {@code silence} and has
   * not been checked for this silence yet; marks it checked. Used by the stall watch.
   */
  public boolean claimSuspicion(Replica r, long silenceNanos) {
    ReplicaState s = state(r);
    long last = s.counters.lastProgressNanos;
    if (s.counters.inFlight.get() == 0 || nanoClock.getAsLong() - last < silenceNanos
        || s.suspectedAtProgress == last) {
      return false;
    }
    s.suspectedAtProgress = last;
    return true;
  }

  /**
   * Records an attempt sent to the replica (in-flight + 1) without request facts; pair it with
   * exactly one {@link #finish(Replica, AttemptResult)}. The proxy uses
   * {@link #dispatch(Replica, RequestInfo)}.
   */
  public void dispatch(Replica r) {
    state(r).counters.dispatch();
  }

  /**
   * Records an attempt sent to the replica with what its request is estimated to weigh: in
   * flight, awaiting its first byte, its prompt and committed tokens. The returned handle
   * releases each share exactly once.
   */
  public Dispatch dispatch(Replica r, RequestInfo request) {
    ReplicaCounters c = state(r).counters;
    Dispatch d = new Dispatch(r, c, request);
    if (c.inFlight.get() == 0) {
      // Silence is measured from the first request in flight, not from the last idle moment.
      c.lastProgressNanos = nanoClock.getAsLong();
    }
    c.dispatch(request);
    return d;
  }

  /**
   * Like {@link #dispatch(Replica, RequestInfo)}, but only while the replica has fewer than
   * {@code limit} attempts in flight (checked and taken atomically); null when it is full.
   */
  public Dispatch tryDispatch(Replica r, RequestInfo request, int limit) {
    ReplicaCounters c = state(r).counters;
    long now = nanoClock.getAsLong();
    if (c.inFlight.get() == 0) {
      c.lastProgressNanos = now;
    }
    if (!c.tryDispatch(request, limit)) {
      return null;
    }
    return new Dispatch(r, c, request);
  }

  /** Records how an attempt ended (in-flight - 1); call exactly once per {@link #dispatch}. */
  public void finish(Replica r, AttemptResult result) {
    state(r).counters.finish(result);
  }

  /** A successful exchange with the replica: clears its failure streak. */
  public void recordSuccess(Replica r) {
    AtomicInteger streak = state(r).failureStreak;
    // Read first so the common success path does not write a shared cache line.
    if (streak.get() != 0) {
      streak.set(0);
    }
  }

  /**
   * A failure that counts toward ejection (connect error, reset, timeout, 5xx; never a 4xx or a
   * client cancel). Ejects the replica once the streak reaches the configured threshold.
   */
  public void recordFailure(Replica r) {
    ReplicaState s = state(r);
    int streak = s.failureStreak.incrementAndGet();
    if (ejection.enabled() && streak >= ejection.consecutiveFailures() && !s.ejected) {
      maybeEject(s, Ejection.Cause.FAILURES);
    }
  }

  /**
   * Ejects the replica at once for a cause that needs no streak (it stalled, or it stopped
   * answering), within the model's ejection cap; returns whether it is ejected now.
   */
  public boolean ejectNow(Replica r, Ejection.Cause cause) {
    ReplicaState s = state(r);
    if (!ejection.enabled()) {
      return false;
    }
    maybeEject(s, cause);
    return s.ejected;
  }

  /**
   * Applies one active health-check result. The first probe decides directly; then
   * {@code unhealthyThreshold} failures or {@code healthyThreshold} passes in a row flip the
   * replica, and an ejected replica returns after {@code healthyThreshold} passes in a row. A
   * failed {@code suspect} probe (one sent because the replica went silent with requests in
   * flight) turns it unhealthy at once.
   */
  public void recordProbe(Replica r, boolean pass, int healthyThreshold, int unhealthyThreshold,
      boolean suspect) {
    ReplicaState s = state(r);
    boolean changedHealth;
    boolean readmitted = false;
    synchronized (this) {
      boolean before = s.healthy;
      if (!s.probed) {
        s.probed = true;
        s.healthy = pass;
      } else if (pass) {
        s.probePasses++;
        s.probeFailures = 0;
        if (!s.healthy && s.probePasses >= healthyThreshold) {
          s.healthy = true;
          s.returnedAtNanos = nanoClock.getAsLong();
        }
      } else {
        s.probeFailures++;
        s.probePasses = 0;
        if (s.healthy && (suspect || s.probeFailures >= unhealthyThreshold)) {
          s.healthy = false;
        }
      }
      changedHealth = before != s.healthy;
      if (s.ejected) {
        s.passesSinceEjection = pass ? s.passesSinceEjection + 1 : 0;
        if (s.passesSinceEjection >= healthyThreshold) {
          readmitLocked(s);
          readmitted = true;
        }
      }
      if (changedHealth || readmitted) {
        publish();
      }
    }
    if (changedHealth) {
      listeners.forEach(l -> l.healthChanged(r, s.healthy));
    }
    if (readmitted) {
      listeners.forEach(l -> l.readmitted(r));
    }
  }

  /** {@link #recordProbe(Replica, boolean, int, int, boolean)} for a routine probe. */
  public void recordProbe(Replica r, boolean pass, int healthyThreshold, int unhealthyThreshold) {
    recordProbe(r, pass, healthyThreshold, unhealthyThreshold, false);
  }

  /** Ends an ejection whose time is over without a probe (used when health checks are off). */
  public void readmit(Replica r) {
    ReplicaState s = state(r);
    synchronized (this) {
      if (!s.ejected) {
        return;
      }
      readmitLocked(s);
      publish();
    }
    listeners.forEach(l -> l.readmitted(r));
  }

  private void readmitLocked(ReplicaState s) {
    s.ejected = false;
    s.failureStreak.set(0);
    s.passesSinceEjection = 0;
    s.readmittedAtNanos = nanoClock.getAsLong();
    s.returnedAtNanos = s.readmittedAtNanos;
  }

  private void maybeEject(ReplicaState s, Ejection.Cause cause) {
    Ejection ejected;
    synchronized (this) {
      if (s.ejected || (cause == Ejection.Cause.FAILURES
          && s.failureStreak.get() < ejection.consecutiveFailures())) {
        return;
      }
      List<Replica> peers = replicas(s.replica.model());
      int ejectedNow = 0;
      for (Replica p : peers) {
        ejectedNow += state(p).ejected ? 1 : 0;
      }
      int cap = Math.max(1, peers.size() * ejection.maxEjectedPercent() / 100);
      if (ejectedNow >= cap) {
        s.failureStreak.set(0);
        listeners.forEach(l -> l.ejectionSkipped(s.replica));
        return;
      }
      long now = nanoClock.getAsLong();
      // A replica that stayed in for max_time since its last return starts over at base_time.
      if (s.readmittedAtNanos != Long.MIN_VALUE
          && now - s.readmittedAtNanos > ejection.maxTime().toNanos()) {
        s.ejections = 0;
      }
      s.ejections++;
      int count = s.ejections;
      long base = ejection.baseTime().toNanos();
      long max = ejection.maxTime().toNanos();
      long nanos = base > max / count ? max : Math.min(max, base * count);
      s.ejected = true;
      s.ejectedUntilNanos = now + nanos;
      s.passesSinceEjection = 0;
      s.failureStreak.set(0);
      publish();
      ejected = new Ejection(cause, Duration.ofNanos(nanos), count);
    }
    listeners.forEach(l -> l.ejected(s.replica, ejected));
  }

  private void publish() {
    Map<String, List<Replica>> next = new LinkedHashMap<>();
    byModel.forEach((model, rs) -> {
      List<Replica> ok = new ArrayList<>(rs.size());
      for (Replica r : rs) {
        if (state(r).available()) {
          ok.add(r);
        }
      }
      next.put(model, List.copyOf(ok));
    });
    available = Collections.unmodifiableMap(next);
  }

  private ReplicaState state(Replica r) {
    ReplicaState s = states.get(r.index());
    if (s.replica != r) {
      throw new IllegalArgumentException("replica " + r + " is not from this pool");
    }
    return s;
  }

  @Override
  public int inFlight(Replica r) {
    return state(r).counters.inFlight.get();
  }

  @Override
  public long dispatched(Replica r) {
    return state(r).counters.dispatched.get();
  }

  @Override
  public long completed(Replica r) {
    return state(r).counters.completed.get();
  }

  @Override
  public long failed(Replica r) {
    return state(r).counters.failed.get();
  }

  @Override
  public long cancelled(Replica r) {
    return state(r).counters.cancelled.get();
  }

  @Override
  public int awaitingFirstByte(Replica r) {
    return state(r).counters.awaitingFirstByte.get();
  }

  @Override
  public long pendingPromptTokens(Replica r) {
    return state(r).counters.pendingPromptTokens.get();
  }

  @Override
  public long inFlightTokens(Replica r) {
    return state(r).counters.inFlightTokens.get();
  }
}
