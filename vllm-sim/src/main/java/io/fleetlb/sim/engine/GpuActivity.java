package io.fleetlb.sim.engine;

/**
 * Busy time of the simulated GPU, from which telemetry derives utilisation, power and energy.
 *
 * <p>Written by the engine thread once per step, read by telemetry scrapes. Totals are cumulative
 * since start; a ring of 50 ms slots keeps the last second so utilisation can be reported over a
 * trailing one-second window, like DCGM's sampling period.
 */
public final class GpuActivity {

  private static final long SLOT_NANOS = 50_000_000L;
  private static final int SLOTS = 20;

  private final long[] slotIndex = new long[SLOTS];
  private final double[] slotBusy = new double[SLOTS];
  private final double[] slotLoad = new double[SLOTS];
  private double busyNanos;
  private double loadNanos;

  public GpuActivity() {
    java.util.Arrays.fill(slotIndex, -1);
  }

  /**
   * Records a step.
   *
   * @param start virtual start time
   * @param duration virtual duration
   * @param occupancy how much of the GPU's compute the step used, 0 to 1
   */
  public synchronized void record(long start, long duration, double occupancy) {
    busyNanos += duration;
    loadNanos += duration * occupancy;
    long t = start;
    long end = start + duration;
    while (t < end) {
      long slot = Math.floorDiv(t, SLOT_NANOS);
      long slotEnd = (slot + 1) * SLOT_NANOS;
      long piece = Math.min(end, slotEnd) - t;
      int i = (int) Math.floorMod(slot, SLOTS);
      if (slotIndex[i] != slot) {
        slotIndex[i] = slot;
        slotBusy[i] = 0;
        slotLoad[i] = 0;
      }
      slotBusy[i] += piece;
      slotLoad[i] += piece * occupancy;
      t += piece;
    }
  }

  /** Busy time, load-weighted busy time and the window's busy and load fractions at {@code now}. */
  public synchronized Reading read(long now) {
    long current = Math.floorDiv(now, SLOT_NANOS);
    double busy = 0;
    double load = 0;
    for (int i = 0; i < SLOTS; i++) {
      long s = slotIndex[i];
      if (s > current - SLOTS && s <= current) {
        busy += slotBusy[i];
        load += slotLoad[i];
      }
    }
    // The window is the current partial slot plus the previous SLOTS-1 full ones.
    double window = (SLOTS - 1) * (double) SLOT_NANOS + (now - current * SLOT_NANOS);
    return new Reading(
        busyNanos, loadNanos, Math.min(1.0, busy / window), Math.min(1.0, load / window));
  }

  /**
   * One reading of the activity counters.
   *
   * @param busyNanos total busy time since start
   * @param loadNanos total busy time weighted by occupancy
   * @param recentBusy busy fraction over the last second
   * @param recentLoad occupancy-weighted busy fraction over the last second
   */
  public record Reading(double busyNanos, double loadNanos, double recentBusy, double recentLoad) {}
}
