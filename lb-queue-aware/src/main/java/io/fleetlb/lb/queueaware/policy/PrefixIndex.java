package io.fleetlb.lb.queueaware.policy;

import java.util.concurrent.atomic.LongAdder;

/**
 * Which replicas recently received which prompt blocks: a fixed-size, set-associative table from
 * a block's chained hash to a bit set of replica slots and the time it was last recorded. Memory
 * is allocated once (24 bytes per entry, never more); an entry not recorded for the TTL no longer
 * counts, and a full set replaces its least recently recorded entry (LRU within the 8 entries a
 * hash may occupy, like a CPU cache). Nothing is allocated per lookup or record.
 *
 * <p>Lock-free and unsynchronised on purpose: event loops look up and record concurrently, and a
 * race can lose one record or pair a key with a neighbour's replicas for one lookup. The index is
 * a hint for affinity, never a correctness input (any candidate may serve any request), so that
 * costs at most one request's cache hit.
 */
final class PrefixIndex {
  /** Entries one hash may occupy. */
  static final int WAYS = 8;

  private final long[] keys;
  private final long[] owners;
  private final long[] stamps;
  private final int setMask;
  private final long ttlNanos;
  private final LongAdder occupied = new LongAdder();
  private final LongAdder evictions = new LongAdder();

  /** An index of at least {@code capacity} entries (rounded up to a power of two). */
  PrefixIndex(int capacity, long ttlNanos) {
    int sets = Integer.highestOneBit(Math.max(1, (capacity + WAYS - 1) / WAYS));
    if (sets * WAYS < capacity) {
      sets <<= 1;
    }
    this.keys = new long[sets * WAYS];
    this.owners = new long[sets * WAYS];
    this.stamps = new long[sets * WAYS];
    this.setMask = sets - 1;
    this.ttlNanos = ttlNanos;
  }

  private int set(long key) {
    return ((int) (key ^ key >>> 32) & setMask) * WAYS;
  }

  /** The slots recorded for {@code key} within the TTL at {@code now}; 0 when none. */
  long owners(long key, long now) {
    int base = set(key);
    for (int i = base; i < base + WAYS; i++) {
      if (keys[i] == key) {
        return now - stamps[i] <= ttlNanos ? owners[i] : 0;
      }
    }
    return 0;
  }

  /**
   * Records that the slot {@code bit} received the block {@code key} at {@code now}: added to the
   * entry's slots (which restart from this one when the entry had expired).
   */
  void record(long key, long bit, long now) {
    int base = set(key);
    int victim = -1;
    for (int i = base; i < base + WAYS; i++) {
      long k = keys[i];
      if (k == key) {
        owners[i] = now - stamps[i] <= ttlNanos ? owners[i] | bit : bit;
        stamps[i] = now;
        return;
      }
      // The first empty entry, else the least recently recorded one.
      boolean better = victim < 0 || (keys[victim] != 0
          && (k == 0 || stamps[i] - stamps[victim] < 0));
      if (better) {
        victim = i;
      }
    }
    if (keys[victim] == 0) {
      occupied.increment();
    } else if (now - stamps[victim] <= ttlNanos) {
      evictions.increment();
    }
    keys[victim] = key;
    owners[victim] = bit;
    stamps[victim] = now;
  }

  /** Removes a slot from every entry (its replica left; the slot may be reused). */
  void forget(long bit) {
    for (int i = 0; i < owners.length; i++) {
      if ((owners[i] & bit) != 0) {
        owners[i] &= ~bit;
      }
    }
  }

  /** Entries in use (expired ones included until replaced). */
  long occupied() {
    return occupied.sum();
  }

  /** Entries the table holds at most. */
  int capacity() {
    return keys.length;
  }

  /** Entries still within their TTL that were replaced to make room (the index is too small). */
  long evictions() {
    return evictions.sum();
  }
}
