package io.fleetlb.lb.pool;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The router's exact request counts for one replica. {@link #dispatch} and exactly one of the
 * {@code finish} methods are called for every upstream attempt, so at any quiet moment
 * {@code dispatched == completed + failed + cancelled} and {@code inFlight == 0}.
 */
final class ReplicaCounters {
  final AtomicInteger inFlight = new AtomicInteger();
  final AtomicLong dispatched = new AtomicLong();
  final AtomicLong completed = new AtomicLong();
  final AtomicLong failed = new AtomicLong();
  final AtomicLong cancelled = new AtomicLong();

  void dispatch() {
    dispatched.incrementAndGet();
    inFlight.incrementAndGet();
  }

  void finish(AttemptResult result) {
    switch (result) {
      case COMPLETED -> completed.incrementAndGet();
      case FAILED -> failed.incrementAndGet();
      case CANCELLED -> cancelled.incrementAndGet();
      default -> throw new IllegalArgumentException(String.valueOf(result));
    }
    inFlight.decrementAndGet();
  }
}
