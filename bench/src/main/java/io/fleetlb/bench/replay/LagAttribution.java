package io.fleetlb.bench.replay;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Where a run's schedule lag came from: the pacer thread's own wake-up error (released minus due)
 * and the hand-off to the event loop (arrived minus released), for every request the pacer
 * released, and the worst lags with the JVM uptime at which they were due, so that they can be
 * lined up with GC, safepoint and JIT log events ({@code -Xlog:...:uptime}, JFR) on the same axis.
 */
public final class LagAttribution {
  /** How many of the worst lags are kept. */
  public static final int WORST = 5;

  private static final long JVM_START_NANOS =
      System.nanoTime() - ManagementFactory.getRuntimeMXBean().getUptime() * 1_000_000L;

  /**
   * One late request: when it was due (JVM uptime, s, and the raw {@code System.nanoTime()}, which
   * is CLOCK_MONOTONIC on Linux, so that it lines up with {@code perf record -k CLOCK_MONOTONIC}),
   * its lag and the pacer's share of it.
   */
  public record Late(double uptimeSeconds, long dueMonotonicNs, long lagNs, long pacerLateNs) {}

  /** The lags of the requests due in one second of the run (second 0 starts at the run's t0). */
  public record Second(int second, long requests, long p99LagNs, long maxLagNs) {}

  private final Histogram pacerLate;
  private final Histogram handOff;
  private final List<Late> worst;
  private final List<Second> bySecond;

  LagAttribution(Histogram pacerLate, Histogram handOff, List<Late> worst, List<Second> bySecond) {
    this.pacerLate = pacerLate;
    this.handOff = handOff;
    this.worst = List.copyOf(worst);
    this.bySecond = List.copyOf(bySecond);
  }

  static LagAttribution of(List<RequestTracker> trackers, long t0) {
    Histogram pacer = new Histogram(3_600_000_000_000L, 3);
    Histogram hand = new Histogram(3_600_000_000_000L, 3);
    List<RequestTracker> late = new ArrayList<>();
    List<Histogram> seconds = new ArrayList<>();
    Comparator<RequestTracker> byLag = Comparator.comparingLong(t -> t.arrivalNs - t.scheduledNs);
    for (RequestTracker t : trackers) {
      if (t.releasedNs < 0 || t.arrivalNs < 0) {
        continue;
      }
      pacer.recordValue(Math.max(0, t.releasedNs - t.scheduledNs));
      hand.recordValue(Math.max(0, t.arrivalNs - t.releasedNs));
      late.add(t);
      int sec = (int) Math.max(0, t.scheduledNs / 1_000_000_000L);
      while (seconds.size() <= sec) {
        seconds.add(null);
      }
      if (seconds.get(sec) == null) {
        seconds.set(sec, new Histogram(3_600_000_000_000L, 2));
      }
      seconds.get(sec).recordValue(Math.max(0, t.arrivalNs - t.scheduledNs));
    }
    late.sort(byLag.reversed());
    List<Late> worst = new ArrayList<>();
    for (RequestTracker t : late.subList(0, Math.min(WORST, late.size()))) {
      worst.add(
          new Late(
              (t0 + t.scheduledNs - JVM_START_NANOS) / 1e9,
              t0 + t.scheduledNs,
              t.arrivalNs - t.scheduledNs,
              t.releasedNs - t.scheduledNs));
    }
    List<Second> bySecond = new ArrayList<>();
    for (int i = 0; i < seconds.size(); i++) {
      Histogram h = seconds.get(i);
      if (h != null) {
        bySecond.add(
            new Second(i, h.getTotalCount(), h.getValueAtPercentile(99), h.getMaxValue()));
      }
    }
    dump(trackers, t0, System.getProperty("bench.lag-dump", ""));
    return new LagAttribution(pacer, hand, worst, bySecond);
  }

  /**
   * With {@code -Dbench.lag-dump=FILE}, appends every request's due, release and arrival times
   * (raw {@code System.nanoTime()}, CLOCK_MONOTONIC: lines up with a {@code perf record -k
   * CLOCK_MONOTONIC} trace) and its loop, one line each: a diagnostic for docs/benchmarks.md's
   * stall analysis, off by default.
   */
  static void dump(List<RequestTracker> trackers, long t0, String file) {
    if (file.isEmpty()) {
      return;
    }
    StringBuilder b = new StringBuilder();
    for (RequestTracker t : trackers) {
      if (t.releasedNs >= 0 && t.arrivalNs >= 0) {
        b.append(t0 + t.scheduledNs).append(' ').append(t0 + t.releasedNs).append(' ')
            .append(t0 + t.arrivalNs).append(' ').append(t.contextIndex).append('\n');
      }
    }
    try {
      java.nio.file.Files.writeString(
          java.nio.file.Path.of(file),
          b,
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    } catch (java.io.IOException e) {
      System.err.println("bench: cannot write the lag dump " + file + ": " + e.getMessage());
    }
  }

  /** The pacer thread's wake-up error: released minus due, in ns, one value per request. */
  public Histogram pacerLate() {
    return pacerLate;
  }

  /** The hand-off to the event loop: arrived minus released, in ns, one value per request. */
  public Histogram handOff() {
    return handOff;
  }

  /**
   * Schedule lag second by second (by due time): whether a run's tail comes from its first seconds
   * (connections, JIT) or from anywhere in it.
   */
  public List<Second> bySecond() {
    return bySecond;
  }

  /** The worst schedule lags, largest first. */
  public List<Late> worst() {
    return worst;
  }
}
