package io.fleetlb.bench.replay;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Where a run's schedule lag came from: the pacer's own wake-up error (released minus due: the
 * event loop's timer, or the NIO pacer thread) and the hand-off to the event loop (arrived minus
 * released), for every request the pacer released; the lag second by second; and the worst lags
 * with the JVM uptime and the monotonic clock at which they were due, so that they can be lined up
 * with GC, safepoint and JIT log events ({@code -Xlog:...:uptime}, JFR) or a kernel trace.
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
    int lastSecond = -1;
    Comparator<RequestTracker> byLag = Comparator.comparingLong(t -> t.arrivalNs - t.scheduledNs);
    for (RequestTracker t : trackers) {
      if (t.releasedNs < 0 || t.arrivalNs < 0) {
        continue;
      }
      pacer.recordValue(Math.max(0, t.releasedNs - t.scheduledNs));
      hand.recordValue(Math.max(0, t.arrivalNs - t.releasedNs));
      late.add(t);
      lastSecond = Math.max(lastSecond, second(t));
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
    List<Second> bySecond = bySecond(late, lastSecond);
    return new LagAttribution(pacer, hand, worst, bySecond);
  }

  private static int second(RequestTracker t) {
    return (int) Math.max(0, t.scheduledNs / 1_000_000_000L);
  }

  /**
   * Each second's count, p99 (nearest rank) and maximum lag, from one plain array of lags per
   * second (8 bytes a request: a day-long run's seconds cost no more than its requests).
   */
  private static List<Second> bySecond(List<RequestTracker> done, int lastSecond) {
    int[] counts = new int[lastSecond + 1];
    for (RequestTracker t : done) {
      counts[second(t)]++;
    }
    long[][] lags = new long[lastSecond + 1][];
    for (int i = 0; i <= lastSecond; i++) {
      lags[i] = new long[counts[i]];
      counts[i] = 0;
    }
    for (RequestTracker t : done) {
      int s = second(t);
      lags[s][counts[s]++] = Math.max(0, t.arrivalNs - t.scheduledNs);
    }
    List<Second> out = new ArrayList<>();
    for (int i = 0; i <= lastSecond; i++) {
      long[] l = lags[i];
      if (l.length > 0) {
        Arrays.sort(l);
        int rank = (int) Math.ceil(0.99 * l.length) - 1;
        out.add(new Second(i, l.length, l[rank], l[l.length - 1]));
      }
      lags[i] = null;
    }
    return out;
  }

  /**
   * With {@code -Dbench.lag-dump=FILE}, appends every request's due, release and arrival times
   * (raw {@code System.nanoTime()}, CLOCK_MONOTONIC: lines up with a {@code perf record -k
   * CLOCK_MONOTONIC} trace) and its loop, one line each, after a {@code # run t0=... requests=...}
   * line per run (every run of the JVM is appended: warm-ups, ladder steps): a diagnostic for
   * docs/benchmarks.md's stall analysis, off by default.
   */
  static void dump(List<RequestTracker> trackers, long t0, String file) {
    if (file.isEmpty()) {
      return;
    }
    StringBuilder b = new StringBuilder();
    b.append("# run t0=").append(t0).append(" requests=").append(trackers.size()).append('\n');
    for (RequestTracker t : trackers) {
      if (t.releasedNs >= 0 && t.arrivalNs >= 0) {
        b.append(t0 + t.scheduledNs).append(' ').append(t0 + t.releasedNs).append(' ')
            .append(t0 + t.arrivalNs).append(' ').append(t.contextIndex).append('\n');
      }
    }
    try {
      Files.writeString(Path.of(file), b, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      System.err.println("bench: cannot write the lag dump " + file + ": " + e.getMessage());
    }
  }

  /** The pacer's wake-up error: released minus due, in ns, one value per request. */
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
