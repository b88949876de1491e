package io.fleetlb.bench.replay;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * vLLM's {@code --max-concurrency} semaphore: at most {@code limit} requests in flight; the rest
 * wait in arrival order (they are queued, never dropped) and start when a slot frees. Each release
 * hands its slot to exactly one waiter.
 */
public final class ConcurrencyGate<T> {
  private final int limit;
  private final Consumer<T> starter;
  private final ArrayDeque<T> waiting = new ArrayDeque<>();
  private int inFlight;

  /**
   * @param starter called, outside the lock, for each admitted item
   */
  public ConcurrencyGate(int limit, Consumer<T> starter) {
    if (limit < 1) {
      throw new IllegalArgumentException("--max-concurrency must be >= 1, got " + limit);
    }
    this.limit = limit;
    this.starter = starter;
  }

  public void acquire(T item) {
    synchronized (this) {
      if (inFlight >= limit) {
        waiting.add(item);
        return;
      }
      inFlight++;
    }
    starter.accept(item);
  }

  /** Frees one slot; the oldest waiter, if any, takes it. */
  public void release() {
    T next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) {
        inFlight--;
        return;
      }
    }
    starter.accept(next);
  }

  public synchronized int inFlight() {
    return inFlight;
  }

  public synchronized int waiting() {
    return waiting.size();
  }
}
