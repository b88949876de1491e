package io.fleetlb.bench.replay;

import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Releases the later turns of multi-turn sessions when they become due (their previous turn's end
 * plus the think time), on its own thread beside the open-loop pacer: due times arrive while the
 * run goes on, in any order, and the fixed schedule's pacer must not wait for them. It wakes a spin
 * window early and spins to the deadline with {@link HighResolutionPacer}, so a turn is never
 * released before it is due.
 */
final class TurnPacer implements AutoCloseable {
  private final DelayQueue<Due> queue = new DelayQueue<>();
  private final long t0;
  private final long spinNs;
  private final Thread thread;

  private record Due(RequestTracker tracker, long deadline, long wakeAt) implements Delayed {
    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(wakeAt - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed o) {
      return Long.compare(wakeAt, ((Due) o).wakeAt);
    }
  }

  /**
   * @param t0 the run's zero on {@link System#nanoTime()}
   * @param release called on the pacer's thread with each turn at or after its due time
   */
  TurnPacer(long t0, long spinNs, Consumer<RequestTracker> release) {
    this.t0 = t0;
    this.spinNs = Math.max(0, spinNs);
    HighResolutionPacer pacer = HighResolutionPacer.systemClock(this.spinNs);
    this.thread =
        new Thread(
            () -> {
              try {
                while (true) {
                  Due d = queue.take();
                  if (!pacer.awaitUntil(d.deadline())) {
                    return;
                  }
                  release.accept(d.tracker());
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "bench-turn-pacer");
    thread.setPriority(Thread.MAX_PRIORITY);
    thread.setDaemon(true);
    thread.start();
  }

  /** Queues a turn whose {@code scheduledNs} has been set. */
  void due(RequestTracker t) {
    long deadline = t0 + t.scheduledNs;
    queue.add(new Due(t, deadline, deadline - spinNs));
  }

  @Override
  public void close() {
    thread.interrupt();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
