package io.fleetlb.lb.proxy;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * Caps retries in flight at {@code max(minConcurrent, percent% of requests in flight)}, Envoy's
 * retry budget: when most of the fleet fails, retries stop multiplying the load instead of
 * doubling it.
 */
final class RetryBudget {
  private final int percent;
  private final int minConcurrent;
  private final IntSupplier activeRequests;
  private final AtomicInteger activeRetries = new AtomicInteger();

  RetryBudget(int percent, int minConcurrent, IntSupplier activeRequests) {
    this.percent = percent;
    this.minConcurrent = minConcurrent;
    this.activeRequests = activeRequests;
  }

  /** Takes a retry slot if the budget allows; each success must be {@link #release}d once. */
  boolean tryAcquire() {
    int cap = Math.max(minConcurrent, (int) ((long) activeRequests.getAsInt() * percent / 100));
    while (true) {
      int now = activeRetries.get();
      if (now >= cap) {
        return false;
      }
      if (activeRetries.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  /** Returns a slot taken by {@link #tryAcquire}. */
  void release() {
    activeRetries.decrementAndGet();
  }

  /** Retries in flight now. */
  int inFlight() {
    return activeRetries.get();
  }
}
