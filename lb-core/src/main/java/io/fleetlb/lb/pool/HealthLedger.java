package io.fleetlb.lb.pool;

import io.fleetlb.lb.config.EjectionConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The health bookkeeping of a {@link ReplicaPool}: failure streaks, passive ejection, probe
 * results, readmission and slow start. An ejected replica returns after {@code healthy_threshold}
 * passing probes in a row if a probe failed while it was out (it was down, and is back); if its
 * {@code /health} kept passing (it failed requests or stalled while reporting healthy, which
 * probes cannot see), it also waits out its ejection time ({@code base_time} x the n-th
 * ejection, up to {@code max_time}). State changes happen under the pool's lock, and every
 * change of who can serve is published by the pool; listener calls happen outside the lock.
 */
final class HealthLedger {
  private static final double MIN_SLOW_START_SHARE = 0.1;

  private final ReplicaPool pool;
  private final EjectionConfig ejection;
  private final LongSupplier nanoClock;

  HealthLedger(ReplicaPool pool, EjectionConfig ejection, LongSupplier nanoClock) {
    this.pool = pool;
    this.ejection = ejection;
    this.nanoClock = nanoClock;
  }

  /** A successful exchange with the replica: clears its failure streak. */
  void recordSuccess(ReplicaState s) {
    AtomicInteger streak = s.failureStreak;
    // Read first so the common success path does not write a shared cache line.
    if (streak.get() != 0) {
      streak.set(0);
    }
  }

  /** A failure that counts toward ejection; ejects once the streak reaches the threshold. */
  void recordFailure(ReplicaState s) {
    int streak = s.failureStreak.incrementAndGet();
    if (ejection.enabled() && streak >= ejection.consecutiveFailures() && !s.ejected) {
      maybeEject(s, Ejection.Cause.FAILURES);
    }
  }

  /** Ejects at once for a cause that needs no streak, within the model's cap. */
  boolean ejectNow(ReplicaState s, Ejection.Cause cause) {
    if (!ejection.enabled()) {
      return false;
    }
    maybeEject(s, cause);
    return s.ejected;
  }

  /** Applies one probe result (see {@link ReplicaPool#recordProbe}). */
  void recordProbe(ReplicaState s, boolean pass, int healthyThreshold, int unhealthyThreshold,
      boolean suspect) {
    boolean changedHealth;
    boolean readmitted = false;
    synchronized (pool) {
      boolean before = s.healthy;
      if (!s.probed) {
        s.probed = true;
        s.healthy = pass;
        if (pass && s.joinedLate) {
          s.returnedAtNanos = nanoClock.getAsLong();
        }
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
        s.probeFailedWhileOut |= !pass;
        if (s.passesSinceEjection >= healthyThreshold && (s.probeFailedWhileOut
            || nanoClock.getAsLong() - s.ejectedUntilNanos >= 0)) {
          readmitLocked(s);
          readmitted = true;
        }
      }
      if (changedHealth || readmitted) {
        pool.publish();
      }
    }
    Replica r = s.replica;
    if (changedHealth) {
      pool.listeners().forEach(l -> l.healthChanged(r, s.healthy));
    }
    if (readmitted) {
      pool.listeners().forEach(l -> l.readmitted(r));
    }
  }

  /** Ends an ejection without a probe (health checks off). */
  void readmit(ReplicaState s) {
    synchronized (pool) {
      if (!s.ejected) {
        return;
      }
      readmitLocked(s);
      pool.publish();
    }
    pool.listeners().forEach(l -> l.readmitted(s.replica));
  }

  /** The replica's share of requests during its slow start (1 outside it). */
  double slowStartShare(ReplicaState s) {
    long since = s.returnedAtNanos;
    long window = ejection.slowStart().toNanos();
    if (since == Long.MIN_VALUE || window == 0) {
      return 1.0;
    }
    double share = (double) (nanoClock.getAsLong() - since) / window;
    return share >= 1 ? 1.0 : Math.max(MIN_SLOW_START_SHARE, share);
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
    synchronized (pool) {
      if (s.ejected || (cause == Ejection.Cause.FAILURES
          && s.failureStreak.get() < ejection.consecutiveFailures())) {
        return;
      }
      List<Replica> peers = pool.replicas(s.replica.model());
      int ejectedNow = 0;
      for (Replica p : peers) {
        ejectedNow += p.state().ejected ? 1 : 0;
      }
      int cap = Math.max(1, peers.size() * ejection.maxEjectedPercent() / 100);
      if (ejectedNow >= cap) {
        s.failureStreak.set(0);
        pool.listeners().forEach(l -> l.ejectionSkipped(s.replica));
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
      // Ejected because a probe failed: its recovery shows in the probes.
      s.probeFailedWhileOut = cause == Ejection.Cause.UNRESPONSIVE || !s.healthy;
      s.failureStreak.set(0);
      pool.publish();
      ejected = new Ejection(cause, Duration.ofNanos(nanos), count);
    }
    pool.listeners().forEach(l -> l.ejected(s.replica, ejected));
  }
}
