package io.fleetlb.lb.admission;

import io.fleetlb.lb.config.AdmissionConfig;
import io.fleetlb.lb.config.RouterConfig;
import io.fleetlb.lb.pool.Replica;
import io.fleetlb.lb.pool.ReplicaPool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The in-flight limits of the replicas and the router's per-model queue. A request may go to a
 * replica only while the replica has fewer than its limit in flight (the limit scaled by its slow
 * start); when no replica of its model has room, the request waits in the model's queue and is
 * woken, in fair order between keys, as soon as a slot frees (an attempt ends, a replica comes
 * back). Thread-safe: requests arrive and slots free on every event loop; each model's queue has
 * its own lock, and a woken request takes its slot on its own event loop.
 *
 * <p>The limit itself is exact: a slot is taken by a compare-and-set on the replica's in-flight
 * count ({@link ReplicaPool#tryDispatch}), so concurrent event loops can never exceed it.
 */
public final class Admission {
  private final boolean enabled;
  private final ReplicaPool pool;
  private final int defaultLimit;
  private final int maxQueue;
  private final long maxWaitNanos;
  private final LongSupplier nanoClock;
  private final Map<String, ModelQueue> queues = new ConcurrentHashMap<>();

  /** Creates the admission state for a started pool of the configuration's replicas. */
  public Admission(RouterConfig config, ReplicaPool pool, LongSupplier nanoClock) {
    AdmissionConfig a = config.admission();
    this.enabled = a.enabled();
    this.pool = pool;
    this.nanoClock = nanoClock;
    this.maxQueue = a.queue().maxPerModel();
    this.maxWaitNanos = a.queue().maxWait().toNanos();
    this.defaultLimit = a.maxInFlightPerReplica();
    for (String m : pool.models()) {
      queue(m);
    }
  }

  /** The model's queue, made when the model is first seen (replicas may join at runtime). */
  private ModelQueue queue(String model) {
    return queues.computeIfAbsent(model, m -> new ModelQueue());
  }

  /** Whether in-flight limits (and the queue) are on. */
  public boolean enabled() {
    return enabled;
  }

  /** The longest a request may wait in the queue, in nanoseconds. */
  public long maxWaitNanos() {
    return maxWaitNanos;
  }

  /**
   * The replica's in-flight limit now: its configured limit, scaled by its slow-start share (at
   * least 1); {@link Integer#MAX_VALUE} when limits are off.
   */
  public int limit(Replica r) {
    if (!enabled) {
      return Integer.MAX_VALUE;
    }
    int configured = configuredLimit(r);
    double share = pool.slowStartShare(r);
    return share >= 1.0 ? configured : Math.max(1, (int) Math.ceil(configured * share));
  }

  /** The configured limit of a replica, before slow start (for the admin view). */
  public int configuredLimit(Replica r) {
    if (!enabled) {
      return 0;
    }
    Integer own = r.config().maxInFlight();
    return own != null ? own : defaultLimit;
  }

  /** The candidates that have a free slot now (all of them when limits are off). */
  public List<Replica> withRoom(List<Replica> candidates) {
    if (!enabled) {
      return candidates;
    }
    List<Replica> out = null;
    for (int i = 0; i < candidates.size(); i++) {
      Replica r = candidates.get(i);
      boolean room = pool.inFlight(r) < limit(r);
      if (!room && out == null) {
        out = new ArrayList<>(candidates.subList(0, i));
      } else if (room && out != null) {
        out.add(r);
      }
    }
    return out == null ? candidates : List.copyOf(out);
  }

  /**
   * Whether requests of the model are waiting or about to take a freed slot: a new request then
   * queues behind them instead of taking a slot first.
   */
  public boolean busy(String model) {
    ModelQueue q = queue(model);
    return q.size > 0 || q.inTransit > 0;
  }

  /**
   * Puts a request in its model's queue, at the end of its key's lane ({@code front} for a
   * retry, which waited already); false when the queue is full. A free slot is then handed out
   * at once if there is one.
   */
  public boolean enqueue(String model, String key, Waiter w, boolean front) {
    ModelQueue q = queue(model);
    synchronized (q) {
      if (q.size >= maxQueue) {
        return false;
      }
      q.add(key, w, front);
    }
    pump(model);
    return true;
  }

  /** Takes a waiting request out (its client left or its wait is over); false if already woken. */
  public boolean remove(String model, String key, Waiter w) {
    ModelQueue q = queue(model);
    synchronized (q) {
      return q.remove(key, w);
    }
  }

  /** A woken request reached its event loop (whether it then took its slot or not). */
  public void arrived(String model) {
    ModelQueue q = queue(model);
    synchronized (q) {
      q.inTransit--;
    }
  }

  /** Requests waiting for the model now. */
  public int queued(String model) {
    return queue(model).size;
  }

  /** Seconds a client turned away for {@code model} should wait before trying again. */
  public long retryAfterSeconds(String model) {
    ModelQueue q = queue(model);
    long max = Math.max(1, maxWaitNanos / 1_000_000_000L);
    synchronized (q) {
      return q.retryAfterSeconds(nanoClock.getAsLong(), max, max);
    }
  }

  /**
   * Wakes as many waiting requests of the model as its replicas have free slots (less those
   * already woken). Called whenever a slot may have freed: an attempt ended, a replica came back,
   * a slow start grew; and periodically as a safety net.
   */
  public void pump(String model) {
    ModelQueue q = queue(model);
    if (q.size == 0) {
      return;
    }
    List<Waiter> wake = null;
    synchronized (q) {
      int free = freeSlots(model) - q.inTransit;
      long now = nanoClock.getAsLong();
      while (free > 0 && q.size > 0) {
        Waiter w = q.poll(now);
        q.inTransit++;
        free--;
        if (wake == null) {
          wake = new ArrayList<>(4);
        }
        wake.add(w);
      }
    }
    if (wake != null) {
      wake.forEach(Waiter::wake);
    }
  }

  /** {@link #pump} for every model. */
  public void pumpAll() {
    for (String m : queues.keySet()) {
      pump(m);
    }
  }

  private int freeSlots(String model) {
    int free = 0;
    for (Replica r : pool.available(model)) {
      free += Math.max(0, limit(r) - pool.inFlight(r));
    }
    return free;
  }
}
