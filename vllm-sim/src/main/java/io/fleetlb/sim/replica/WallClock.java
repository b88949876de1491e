package io.fleetlb.sim.replica;

import java.util.concurrent.locks.LockSupport;

/**
 * The real time an {@link EngineDriver} keeps: where it reads the time and how it waits for a
 * step's end. Injected so tests drive the engine on a clock of their own and check its schedule
 * exactly, whatever the speed of the machine.
 */
public interface WallClock {

  /** Nanoseconds on a monotonic clock ({@link System#nanoTime()} for the real one). */
  long nanoTime();

  /** Returns at or after {@code deadline} on this clock. */
  void sleepUntil(long deadline);

  /** The machine's clock: parks while the deadline is far, spins for the last 50 microseconds. */
  WallClock SYSTEM =
      new WallClock() {
        private static final long SPIN_NANOS = 50_000;

        @Override
        public long nanoTime() {
          return System.nanoTime();
        }

        @Override
        public void sleepUntil(long deadline) {
          for (; ; ) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
              return;
            }
            if (left > SPIN_NANOS) {
              LockSupport.parkNanos(left - SPIN_NANOS);
            } else {
              Thread.onSpinWait();
            }
          }
        }
      };
}
