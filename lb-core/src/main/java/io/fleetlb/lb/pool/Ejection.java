package io.fleetlb.lb.pool;

import java.time.Duration;

/**
 * One ejection of a replica: why, how long it lasts at least when no probe can end it, and the
 * how-many-th it is.
 *
 * @param cause why the replica was taken out
 * @param duration when active health checks are off, the time after which it returns; with them
 *     on it returns as soon as it passes {@code healthy_threshold} probes in a row
 * @param count the number of ejections since the replica last stayed in for {@code max_time}
 */
public record Ejection(Cause cause, Duration duration, int count) {
  /** Why a replica was ejected; the {@code reason} label of {@code lb_ejections_total}. */
  public enum Cause {
    /** Consecutive failed attempts (connect errors, resets, timeouts, 5xx). */
    FAILURES("failures"),
    /** Streams in flight and no byte from any of them for {@code ejection.stalled_after}. */
    STALLED("stalled"),
    /**
     * Requests in flight, no progress for {@code ejection.stalled_after}, and a health probe that
     * failed right after.
     */
    UNRESPONSIVE("unresponsive");

    private final String label;

    Cause(String label) {
      this.label = label;
    }

    /** The snake_case name used in logs and metric labels. */
    public String label() {
      return label;
    }
  }
}
