package io.fleetlb.bench.replay;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Waits until an absolute deadline on the monotonic clock with tens of microseconds of precision:
 * it parks while the deadline is far and spins only for the last {@code spinNanos} (the kernel's
 * timer slack is about 50 us), never returning early. NIO event-loop timers quantize to about a
 * millisecond and would silently under-deliver at high request rates; this is why, on that
 * transport, the schedule has its own thread (with epoll the loops' own timers are precise).
 */
public final class HighResolutionPacer {
  private final LongSupplier clock;
  private final long spinNanos;

  public HighResolutionPacer(LongSupplier clock, long spinNanos) {
    this.clock = clock;
    this.spinNanos = Math.max(0, spinNanos);
  }

  public static HighResolutionPacer systemClock(long spinNanos) {
    return new HighResolutionPacer(System::nanoTime, spinNanos);
  }

  /** Blocks until {@code clock >= deadline}; returns false if the thread was interrupted first. */
  public boolean awaitUntil(long deadline) {
    while (true) {
      long remaining = deadline - clock.getAsLong();
      if (remaining <= 0) {
        return true;
      }
      if (Thread.currentThread().isInterrupted()) {
        return false;
      }
      if (remaining > spinNanos) {
        LockSupport.parkNanos(remaining - spinNanos);
      } else {
        Thread.onSpinWait();
      }
    }
  }
}
