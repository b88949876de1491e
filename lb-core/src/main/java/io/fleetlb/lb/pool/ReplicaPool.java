package io.fleetlb.lb.pool;

import io.fleetlb.lb.config.EjectionConfig;
import io.fleetlb.lb.config.ReplicaConfig;
import io.fleetlb.lb.policy.LoadView;
import io.fleetlb.lb.policy.Membership;
import io.fleetlb.lb.policy.RequestInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The replicas, grouped by model, with their health, ejection state and exact request counts.
 * Membership can change while the router runs: a replica {@linkplain #add added} (by discovery or
 * a reloaded configuration) serves once a health probe passes; one {@linkplain #remove removed}
 * gets no new requests, finishes those in flight and is then forgotten. The request path reads an
 * immutable snapshot of the members; every change of who can serve publishes a new one.
 */
public final class ReplicaPool implements LoadView, Membership {
  /** Who is in the pool and who can serve: replaced as a whole, never changed in place. */
  private record Members(List<Replica> all, Map<String, List<Replica>> byModel,
      Map<String, List<Replica>> available, List<Replica> leaving, Set<String> ids) {}

  private final LongSupplier nanoClock;
  private final HealthLedger health;
  private final List<PoolListener> listeners = new CopyOnWriteArrayList<>();
  private final AtomicInteger nextIndex = new AtomicInteger();
  /** Members in join order; guarded by this, read through {@link #members}. */
  private final List<Replica> active = new ArrayList<>();
  private final List<Replica> leaving = new ArrayList<>();
  private volatile Members members;

  /**
   * Creates the pool with the configured replicas; each starts healthy and not ejected (the first
   * probe round decides before the router serves).
   *
   * @param configs validated replica configurations
   * @param ejection ejection settings
   * @param nanoClock monotonic time in nanoseconds (injected for tests)
   */
  public ReplicaPool(List<ReplicaConfig> configs, EjectionConfig ejection, LongSupplier nanoClock) {
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    this.health = new HealthLedger(this, Objects.requireNonNull(ejection, "ejection"), nanoClock);
    for (ReplicaConfig c : configs) {
      active.add(new Replica(c, nextIndex.getAndIncrement(), this));
    }
    synchronized (this) {
      publish();
    }
  }

  /** Registers a listener for state and membership changes. */
  @Override
  public void addListener(PoolListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  List<PoolListener> listeners() {
    return listeners;
  }

  // ---- membership --------------------------------------------------------------------------

  /**
   * Adds a replica while the router runs. It gets no request until a health probe passes (or at
   * once when health checks are off, see {@link #markProbed}). Returns null when a member with
   * the same id exists already, or a replica with that id is still draining (try again later).
   */
  public Replica add(ReplicaConfig config) {
    Replica r;
    synchronized (this) {
      // An id may come back only once its previous holder finished draining (its metric
      // series carry the id).
      for (List<Replica> list : List.of(active, leaving)) {
        for (Replica m : list) {
          if (m.id().equals(config.id())) {
            return null;
          }
        }
      }
      r = new Replica(config, nextIndex.getAndIncrement(), this);
      r.state().healthy = false;
      r.state().joinedLate = true;
      active.add(r);
      publish();
    }
    listeners.forEach(l -> l.replicaAdded(r));
    return r;
  }

  /**
   * Takes a replica out: no new request goes to it; requests in flight on it finish. It is
   * forgotten ({@link PoolListener#replicaRemoved}) once none is left, by {@link #reapRemoved}.
   */
  public void remove(Replica r) {
    synchronized (this) {
      if (!active.remove(state(r).replica)) {
        return;
      }
      r.state().removed = true;
      leaving.add(r);
      publish();
    }
    listeners.forEach(l -> l.replicaLeaving(r));
    reapRemoved();
  }

  /** Forgets removed replicas with nothing in flight any more; called periodically. */
  public void reapRemoved() {
    List<Replica> gone = new ArrayList<>();
    synchronized (this) {
      for (Replica r : List.copyOf(leaving)) {
        if (r.state().counters.inFlight.get() == 0) {
          leaving.remove(r);
          gone.add(r);
        }
      }
      if (!gone.isEmpty()) {
        publish();
      }
    }
    for (Replica r : gone) {
      listeners.forEach(l -> l.replicaRemoved(r));
    }
  }

  /** The member with this id, or null. */
  public Replica byId(String id) {
    for (Replica r : members.all()) {
      if (r.id().equals(id)) {
        return r;
      }
    }
    return null;
  }

  /** Whether a member or a draining replica has this id. */
  public boolean known(String id) {
    return members.ids().contains(id);
  }

  /** Every member in join order (configuration order for configured replicas). */
  @Override
  public List<Replica> replicas() {
    return members.all();
  }

  /** Replicas removed from the pool that still finish requests in flight. */
  public List<Replica> leaving() {
    return members.leaving();
  }

  /** Whether the replica left the pool (removed, possibly still draining). */
  public boolean removed(Replica r) {
    return state(r).removed;
  }

  /** The served models in order of first appearance. */
  public List<String> models() {
    return List.copyOf(members.byModel().keySet());
  }

  /** Whether some member serves {@code model}. */
  public boolean serves(String model) {
    return members.byModel().containsKey(model);
  }

  /** All members of a model (empty if none). */
  public List<Replica> replicas(String model) {
    return members.byModel().getOrDefault(model, List.of());
  }

  /** The replicas of a model that can serve now: healthy and not ejected (immutable). */
  public List<Replica> available(String model) {
    return members.available().getOrDefault(model, List.of());
  }

  /** Whether any replica of any model can serve now. */
  public boolean anyAvailable() {
    for (List<Replica> rs : members.available().values()) {
      if (!rs.isEmpty()) {
        return true;
      }
    }
    return false;
  }

  // ---- health ------------------------------------------------------------------------------

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
   * time until the first ejection ends, at most {@code fallback} (also when none is ejected).
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
    return health.slowStartShare(state(r));
  }

  /** A successful exchange with the replica: clears its failure streak. */
  public void recordSuccess(Replica r) {
    health.recordSuccess(state(r));
  }

  /**
   * A failure that counts toward ejection (connect error, reset, timeout, 5xx, silent stream;
   * never a 4xx or a client cancel). Ejects the replica once the streak reaches the threshold.
   */
  public void recordFailure(Replica r) {
    health.recordFailure(state(r));
  }

  /**
   * Ejects the replica at once for a cause that needs no streak (it stalled, or it stopped
   * answering), within the model's ejection cap; returns whether it is ejected now.
   */
  public boolean ejectNow(Replica r, Ejection.Cause cause) {
    return health.ejectNow(state(r), cause);
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
    health.recordProbe(state(r), pass, healthyThreshold, unhealthyThreshold, suspect);
  }

  /** {@link #recordProbe(Replica, boolean, int, int, boolean)} for a routine probe. */
  public void recordProbe(Replica r, boolean pass, int healthyThreshold, int unhealthyThreshold) {
    recordProbe(r, pass, healthyThreshold, unhealthyThreshold, false);
  }

  /** A replica added while health checks are off serves at once: no probe will decide. */
  public void markProbed(Replica r) {
    recordProbe(r, true, 1, 1);
  }

  /** Ends an ejection whose time is over without a probe (used when health checks are off). */
  public void readmit(Replica r) {
    health.readmit(state(r));
  }

  // ---- progress (the stall watch) ----------------------------------------------------------

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

  /** Of those, the streams silent for {@code ejection.stalled_after}. */
  public int streamsSilent(Replica r) {
    return state(r).counters.streamsSilent.get();
  }

  /**
   * Whether a stream that had already run for {@code ejection.stalled_after} sent something on the
   * replica within the last {@code windowNanos}: the replica still serves its older streams, as
   * vLLM does when it preempts its newest requests for lack of KV cache.
   */
  public boolean servesMatureStreams(Replica r, long windowNanos) {
    return nanoClock.getAsLong() - state(r).counters.lastMatureProgressNanos < windowNanos;
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

  // ---- request accounting ------------------------------------------------------------------

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

  /** Rebuilds the snapshot; callers hold this pool's lock. */
  void publish() {
    List<Replica> all = List.copyOf(active);
    Map<String, List<Replica>> byModel = new LinkedHashMap<>();
    Map<String, List<Replica>> ok = new LinkedHashMap<>();
    for (Replica r : all) {
      byModel.computeIfAbsent(r.model(), m -> new ArrayList<>()).add(r);
      List<Replica> avail = ok.computeIfAbsent(r.model(), m -> new ArrayList<>());
      if (r.state().available()) {
        avail.add(r);
      }
    }
    Map<String, List<Replica>> frozenModels = new LinkedHashMap<>();
    byModel.forEach((m, rs) -> frozenModels.put(m, List.copyOf(rs)));
    Map<String, List<Replica>> frozenOk = new LinkedHashMap<>();
    ok.forEach((m, rs) -> frozenOk.put(m, List.copyOf(rs)));
    Set<String> ids = new HashSet<>();
    all.forEach(r -> ids.add(r.id()));
    leaving.forEach(r -> ids.add(r.id()));
    members = new Members(all, Collections.unmodifiableMap(frozenModels),
        Collections.unmodifiableMap(frozenOk), List.copyOf(leaving), Set.copyOf(ids));
  }

  private ReplicaState state(Replica r) {
    if (r.pool() != this) {
      throw new IllegalArgumentException("replica " + r + " is not from this pool");
    }
    return r.state();
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
