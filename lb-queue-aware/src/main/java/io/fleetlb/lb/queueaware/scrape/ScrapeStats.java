package io.fleetlb.lb.queueaware.scrape;

import io.fleetlb.lb.pool.Replica;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the scrapes of every replica did: successes, failures by {@link ScrapeFailure reason} and
 * the last duration, read by the admin metrics. A replica's first failure after a success (and
 * its recovery) is logged once, not every failed scrape: a dead replica is polled four times a
 * second. Before a replica's first successful scrape, failures are expected for a while (the
 * router's first scrapes are cold, a replica may still be loading): they are logged only once the
 * start-up grace has passed without a success.
 */
public final class ScrapeStats {
  private static final Logger LOG = LoggerFactory.getLogger(ScrapeStats.class);
  private static final ScrapeFailure[] REASONS = ScrapeFailure.values();

  private final AtomicLongArray successes;
  private final AtomicLongArray failures;
  private final AtomicLongArray lastDurationNanos;
  /** Per replica: whether the last scrape failed; written only by the scraper's context. */
  private final boolean[] failing;
  /** Per replica: whether a scrape ever succeeded; written only by the scraper's context. */
  private final boolean[] answered;
  private final DurationSink durations;
  private final LongSupplier nanoClock;
  private final long graceEndsNanos;

  /** How long after start a replica may fail its scrapes before the router says so. */
  public static final Duration STARTUP_GRACE = Duration.ofSeconds(10);

  /** Where scrape durations go (the admin registry's timer), per replica. */
  @FunctionalInterface
  public interface DurationSink {
    /** Records one scrape's duration. */
    void record(Replica replica, long nanos);
  }

  /** Stats for these replicas from now on the clock; durations also go to {@code durations}. */
  public ScrapeStats(List<Replica> replicas, DurationSink durations, LongSupplier nanoClock) {
    int n = replicas.size();
    this.nanoClock = nanoClock;
    this.graceEndsNanos = nanoClock.getAsLong() + STARTUP_GRACE.toNanos();
    this.answered = new boolean[n];
    this.successes = new AtomicLongArray(n);
    this.failures = new AtomicLongArray(n * REASONS.length);
    this.lastDurationNanos = new AtomicLongArray(n);
    this.failing = new boolean[n];
    this.durations = durations;
  }

  void succeeded(Replica r, long nanos) {
    successes.incrementAndGet(r.index());
    lastDurationNanos.set(r.index(), nanos);
    durations.record(r, nanos);
    answered[r.index()] = true;
    if (failing[r.index()]) {
      failing[r.index()] = false;
      LOG.info("scrape of {} ({}) works again", r.id(), r.model());
    }
  }

  void failed(Replica r, ScrapeFailure reason, String detail, long nanos) {
    failures.incrementAndGet(r.index() * REASONS.length + reason.ordinal());
    lastDurationNanos.set(r.index(), nanos);
    durations.record(r, nanos);
    if (failing[r.index()]) {
      return;
    }
    if (answered[r.index()]) {
      failing[r.index()] = true;
      LOG.warn("scrape of {} ({}) failed: {}: {}; it is judged by the router's own counts once "
          + "its snapshot is stale", r.id(), r.model(), reason.label(), detail);
    } else if (nanoClock.getAsLong() - graceEndsNanos >= 0) {
      failing[r.index()] = true;
      LOG.warn("scrape of {} ({}) has not succeeded since start ({}s): {}: {}; it is judged by the "
          + "router's own counts until it does", r.id(), r.model(), STARTUP_GRACE.toSeconds(),
          reason.label(), detail);
    }
  }

  /** Whether the replica's scrapes are failing and the router has said so (logged once). */
  boolean reportedFailing(Replica r) {
    return failing[r.index()];
  }

  /** Successful scrapes of the replica. */
  public long successes(Replica r) {
    return successes.get(r.index());
  }

  /** Failed scrapes of the replica for this reason. */
  public long failures(Replica r, ScrapeFailure reason) {
    return failures.get(r.index() * REASONS.length + reason.ordinal());
  }

  /** How long the replica's last scrape took, ended either way. */
  public long lastDurationNanos(Replica r) {
    return lastDurationNanos.get(r.index());
  }
}
