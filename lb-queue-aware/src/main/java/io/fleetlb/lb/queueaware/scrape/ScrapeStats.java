package io.fleetlb.lb.queueaware.scrape;

import io.fleetlb.lb.pool.Replica;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the scrapes of every replica did: successes, failures by {@link ScrapeFailure reason} and
 * the last duration, read by the admin metrics. A replica's first failure after a success (and
 * its recovery) is logged once, not every failed scrape: a dead replica is polled four times a
 * second. A replica that has never answered (a vLLM still loading its weights) is given
 * {@link #STARTUP_GRACE} from when it was first scraped before its failures are logged.
 */
public final class ScrapeStats {
  private static final Logger LOG = LoggerFactory.getLogger(ScrapeStats.class);
  private static final ScrapeFailure[] REASONS = ScrapeFailure.values();

  /** How long after start a replica may fail its scrapes before the router says so. */
  public static final Duration STARTUP_GRACE = Duration.ofSeconds(10);

  /** One replica's counts. */
  private static final class Counts {
    final AtomicLong successes = new AtomicLong();
    final AtomicLongArray failures = new AtomicLongArray(REASONS.length);
    final AtomicLong lastDurationNanos = new AtomicLong();
    /** When the replica's start-up grace ends. */
    final long graceEndsNanos;
    /** Whether the last scrape failed and the router said so; written only by the scraper. */
    boolean failing;
    /** Whether a scrape ever succeeded; written only by the scraper's context. */
    boolean answered;

    Counts(long graceEndsNanos) {
      this.graceEndsNanos = graceEndsNanos;
    }
  }

  private final Map<Replica, Counts> counts = new ConcurrentHashMap<>();
  private final DurationSink durations;
  private final LongSupplier nanoClock;

  /** Where scrape durations go (the admin registry's timer), per replica. */
  @FunctionalInterface
  public interface DurationSink {
    /** Records one scrape's duration. */
    void record(Replica replica, long nanos);
  }

  /** Stats on this clock whose durations also go to {@code durations}. */
  public ScrapeStats(DurationSink durations, LongSupplier nanoClock) {
    this.durations = durations;
    this.nanoClock = nanoClock;
  }

  /** Starts a replica's start-up grace now (when it joins); later calls change nothing. */
  void track(Replica r) {
    of(r);
  }

  private Counts of(Replica r) {
    return counts.computeIfAbsent(r,
        x -> new Counts(nanoClock.getAsLong() + STARTUP_GRACE.toNanos()));
  }

  void succeeded(Replica r, long nanos) {
    Counts c = of(r);
    c.successes.incrementAndGet();
    c.lastDurationNanos.set(nanos);
    durations.record(r, nanos);
    c.answered = true;
    if (c.failing) {
      c.failing = false;
      LOG.info("scrape of {} ({}) works again", r.id(), r.model());
    }
  }

  void failed(Replica r, ScrapeFailure reason, String detail, long nanos) {
    Counts c = of(r);
    c.failures.incrementAndGet(reason.ordinal());
    c.lastDurationNanos.set(nanos);
    durations.record(r, nanos);
    if (c.failing) {
      return;
    }
    if (c.answered) {
      c.failing = true;
      LOG.warn("scrape of {} ({}) failed: {}: {}; it is judged by the router's own counts once "
          + "its snapshot is stale", r.id(), r.model(), reason.label(), detail);
    } else if (nanoClock.getAsLong() - c.graceEndsNanos >= 0) {
      c.failing = true;
      LOG.warn("scrape of {} ({}) has not succeeded since it joined ({}s ago): {}: {}; it is "
          + "judged by the router's own counts until it does", r.id(), r.model(),
          STARTUP_GRACE.toSeconds(), reason.label(), detail);
    }
  }

  /** Whether the replica's scrapes are failing and the router has said so (logged once). */
  boolean reportedFailing(Replica r) {
    Counts c = counts.get(r);
    return c != null && c.failing;
  }

  /** Forgets a replica that left the pool. */
  void forget(Replica r) {
    counts.remove(r);
  }

  /** Successful scrapes of the replica. */
  public long successes(Replica r) {
    Counts c = counts.get(r);
    return c == null ? 0 : c.successes.get();
  }

  /** Failed scrapes of the replica for this reason. */
  public long failures(Replica r, ScrapeFailure reason) {
    Counts c = counts.get(r);
    return c == null ? 0 : c.failures.get(reason.ordinal());
  }

  /** How long the replica's last scrape took, ended either way. */
  public long lastDurationNanos(Replica r) {
    Counts c = counts.get(r);
    return c == null ? 0 : c.lastDurationNanos.get();
  }
}
