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

  /** One late request: when it was due (JVM uptime, s), its lag and the pacer's share of it. */
  public record Late(double uptimeSeconds, long lagNs, long pacerLateNs) {}

  private final Histogram pacerLate;
  private final Histogram handOff;
  private final List<Late> worst;

  LagAttribution(Histogram pacerLate, Histogram handOff, List<Late> worst) {
    this.pacerLate = pacerLate;
    this.handOff = handOff;
    this.worst = List.copyOf(worst);
  }

  static LagAttribution of(List<RequestTracker> trackers, long t0) {
    Histogram pacer = new Histogram(3_600_000_000_000L, 3);
    Histogram hand = new Histogram(3_600_000_000_000L, 3);
    List<RequestTracker> late = new ArrayList<>();
    Comparator<RequestTracker> byLag = Comparator.comparingLong(t -> t.arrivalNs - t.scheduledNs);
    for (RequestTracker t : trackers) {
      if (t.releasedNs < 0 || t.arrivalNs < 0) {
        continue;
      }
      pacer.recordValue(Math.max(0, t.releasedNs - t.scheduledNs));
      hand.recordValue(Math.max(0, t.arrivalNs - t.releasedNs));
      late.add(t);
    }
    late.sort(byLag.reversed());
    List<Late> worst = new ArrayList<>();
    for (RequestTracker t : late.subList(0, Math.min(WORST, late.size()))) {
      worst.add(
          new Late(
              (t0 + t.scheduledNs - JVM_START_NANOS) / 1e9,
              t.arrivalNs - t.scheduledNs,
              t.releasedNs - t.scheduledNs));
    }
    return new LagAttribution(pacer, hand, worst);
  }

  /** The pacer thread's wake-up error: released minus due, in ns, one value per request. */
  public Histogram pacerLate() {
    return pacerLate;
  }

  /** The hand-off to the event loop: arrived minus released, in ns, one value per request. */
  public Histogram handOff() {
    return handOff;
  }

  /** The worst schedule lags, largest first. */
  public List<Late> worst() {
    return worst;
  }
}
