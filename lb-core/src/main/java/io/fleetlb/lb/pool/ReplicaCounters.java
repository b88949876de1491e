package io.fleetlb.lb.pool;

import io.fleetlb.lb.policy.RequestInfo;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The router's exact request counts for one replica. {@link #dispatch} and exactly one of the
 * {@code finish} methods are called for every upstream attempt, so at any quiet moment
 * {@code dispatched == completed + failed + cancelled} and {@code inFlight == 0}; an attempt
 * dispatched with its {@link RequestInfo} also releases its first-byte share exactly once
 * (see {@link Dispatch}), so the first-byte and token sums return to 0 as well.
 */
final class ReplicaCounters {
  final AtomicInteger inFlight = new AtomicInteger();
  final AtomicLong dispatched = new AtomicLong();
  final AtomicLong completed = new AtomicLong();
  final AtomicLong failed = new AtomicLong();
  final AtomicLong cancelled = new AtomicLong();
  final AtomicInteger awaitingFirstByte = new AtomicInteger();
  final AtomicLong pendingPromptTokens = new AtomicLong();
  final AtomicLong inFlightTokens = new AtomicLong();
  /** Attempts relaying a stream that has sent its first byte (what must keep flowing). */
  final AtomicInteger streamsStarted = new AtomicInteger();
  /** Of those, the streams silent for {@code ejection.stalled_after} (not paused by a client). */
  final AtomicInteger streamsSilent = new AtomicInteger();
  /**
   * When the replica last showed progress: a response body byte, the head of an answer that is
   * not a stream (a stream's head comes before any work), an attempt's end, or a dispatch to an
   * idle replica (so silence is measured from the first request in flight).
   */
  volatile long lastProgressNanos;
  /** When a stream that had run for {@code ejection.stalled_after} last sent something. */
  volatile long lastMatureProgressNanos = Long.MIN_VALUE / 2;

  /** Marks progress on a mature stream, like {@link #progress}. */
  void matureProgress(long now) {
    if (now - lastMatureProgressNanos > 1_000_000L) {
      lastMatureProgressNanos = now;
    }
  }

  void dispatch() {
    dispatched.incrementAndGet();
    inFlight.incrementAndGet();
  }

  /** Marks progress; a plain volatile write, skipped when the last one is under 1 ms old. */
  void progress(long now) {
    if (now - lastProgressNanos > 1_000_000L) {
      lastProgressNanos = now;
    }
  }

  void dispatch(RequestInfo request) {
    inFlight.incrementAndGet();
    counted(request);
  }

  /**
   * Takes an in-flight slot only while fewer than {@code limit} are in flight (compare-and-set,
   * so concurrent event loops cannot overshoot); false when the replica is full.
   */
  boolean tryDispatch(RequestInfo request, int limit) {
    int n;
    do {
      n = inFlight.get();
      if (n >= limit) {
        return false;
      }
    } while (!inFlight.compareAndSet(n, n + 1));
    counted(request);
    return true;
  }

  /** The rest of a dispatch once its in-flight slot is taken. */
  private void counted(RequestInfo request) {
    dispatched.incrementAndGet();
    awaitingFirstByte.incrementAndGet();
    long prompt = request.promptTokens();
    if (prompt != 0) {
      pendingPromptTokens.addAndGet(prompt);
    }
    long committed = request.committedTokens();
    if (committed != 0) {
      inFlightTokens.addAndGet(committed);
    }
  }

  void firstByte(RequestInfo request) {
    long prompt = request.promptTokens();
    if (prompt != 0) {
      pendingPromptTokens.addAndGet(-prompt);
    }
    awaitingFirstByte.decrementAndGet();
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

  void finish(AttemptResult result, RequestInfo request) {
    long committed = request.committedTokens();
    if (committed != 0) {
      inFlightTokens.addAndGet(-committed);
    }
    finish(result);
  }
}
