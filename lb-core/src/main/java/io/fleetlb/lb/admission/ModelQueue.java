package io.fleetlb.lb.admission;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The waiting requests of one model: one FIFO lane per client key, served round-robin so one
 * key's burst cannot starve another key's requests. Guarded by its own monitor (see
 * {@link Admission}).
 */
final class ModelQueue {
  private static final int RATE_SAMPLES = 64;
  /** Lanes in service order: the next request comes from the first lane. */
  private final LinkedHashMap<String, ArrayDeque<Waiter>> lanes = new LinkedHashMap<>();
  /** Waiting requests (all lanes); read without the lock for a quick "anyone waiting?". */
  volatile int size;
  /** Requests woken for a slot that have not taken it yet; written under the lock. */
  volatile int inTransit;
  /** When the last dequeues happened, for the Retry-After estimate. */
  private final long[] dequeuedAt = new long[RATE_SAMPLES];
  private long dequeued;

  /** Adds a request at the end of its key's lane (or at its front for a retry). */
  void add(String key, Waiter w, boolean front) {
    ArrayDeque<Waiter> lane = lanes.computeIfAbsent(key, k -> new ArrayDeque<>());
    if (front) {
      lane.addFirst(w);
    } else {
      lane.addLast(w);
    }
    size++;
  }

  /** Removes a request that gave up; false when it is not waiting (already woken). */
  boolean remove(String key, Waiter w) {
    ArrayDeque<Waiter> lane = lanes.get(key);
    if (lane == null || !lane.remove(w)) {
      return false;
    }
    if (lane.isEmpty()) {
      lanes.remove(key);
    }
    size--;
    return true;
  }

  /** The next request, round-robin over the keys' lanes; null when none waits. */
  Waiter poll(long nowNanos) {
    Iterator<Map.Entry<String, ArrayDeque<Waiter>>> it = lanes.entrySet().iterator();
    if (!it.hasNext()) {
      return null;
    }
    Map.Entry<String, ArrayDeque<Waiter>> first = it.next();
    ArrayDeque<Waiter> lane = first.getValue();
    Waiter w = lane.pollFirst();
    it.remove();
    if (!lane.isEmpty()) {
      // The served key goes to the back of the line.
      lanes.put(first.getKey(), lane);
    }
    size--;
    dequeuedAt[(int) (dequeued++ % RATE_SAMPLES)] = nowNanos;
    return w;
  }

  /**
   * Seconds a client should wait before trying again: the time the queue takes to serve as many
   * requests as wait now, at the rate it served the last ones; {@code fallback} when unknown.
   */
  long retryAfterSeconds(long nowNanos, long fallback, long max) {
    long n = Math.min(dequeued, RATE_SAMPLES);
    if (n < 2) {
      return Math.max(1, Math.min(fallback, max));
    }
    long oldest = dequeuedAt[(int) ((dequeued - n) % RATE_SAMPLES)];
    double seconds = Math.max(1e-3, (nowNanos - oldest) / 1e9);
    double rate = n / seconds;
    long wait = (long) Math.ceil((size + 1) / rate);
    return Math.max(1, Math.min(wait, max));
  }
}
