package io.fleetlb.sim.engine;

import java.util.HashMap;
import java.util.Map;

/**
 * The paged KV cache in fixed-size blocks with vLLM V1's prefix caching ({@code block_pool.py},
 * {@code kv_cache_manager.py}).
 *
 * <p>Blocks are ref-counted. Free blocks wait in one queue, least recently freed first; a sequence
 * frees its blocks tail first, so a prefix's last blocks are evicted before its first. A full block
 * of a sequence with a prefix-cache identity is registered under its chained hash as soon as it is
 * scheduled, and keeps that hash while it sits in the free queue: a later sequence whose prefix
 * hashes the same takes it back out (a hit) instead of computing it. A block loses its hash only
 * when it leaves the head of the queue to be reused (eviction). Cached blocks that no sequence
 * holds count as free, so {@link #usage()} is vLLM's {@code kv_cache_usage_perc}. With caching off
 * nothing is registered and the pool only counts.
 */
final class BlockPool {

  private final int totalBlocks;
  private final int blockSize;
  private final boolean caching;
  private final int[] refs;
  private final int[] prev;
  private final int[] next;
  private final long[] hash;
  private final boolean[] hashed;
  private final Map<Long, Integer> cached = new HashMap<>();
  private int head = -1;
  private int tail = -1;
  private int free;

  BlockPool(int totalBlocks, int blockSize, boolean caching) {
    this.totalBlocks = totalBlocks;
    this.blockSize = blockSize;
    this.caching = caching;
    this.refs = new int[totalBlocks];
    this.prev = new int[totalBlocks];
    this.next = new int[totalBlocks];
    this.hash = new long[totalBlocks];
    this.hashed = new boolean[totalBlocks];
    for (int b = 0; b < totalBlocks; b++) {
      append(b);
    }
  }

  boolean caching() {
    return caching;
  }

  /**
   * How many of the sequence's leading full blocks are in the cache (no state changes); 0 with
   * caching off or for a sequence without hashes.
   */
  int cachedPrefixBlocks(Sequence s) {
    if (!caching) {
      return 0;
    }
    int n = s.hashedBlocks();
    int i = 0;
    while (i < n && cached.containsKey(s.blockHash(i))) {
      i++;
    }
    return i;
  }

  /** Of the sequence's first {@code hits} blocks (all cached), those no sequence holds now. */
  int evictableAmong(Sequence s, int hits) {
    int n = 0;
    for (int i = 0; i < hits; i++) {
      if (refs[cached.get(s.blockHash(i))] == 0) {
        n++;
      }
    }
    return n;
  }

  /**
   * Admits a waiting sequence: takes its first {@code hits} blocks from the cache and allocates the
   * rest for {@code tokens} tokens; false (and no change) if the free blocks do not suffice, where
   * a cached block taken out of the free queue counts against them as vLLM counts it.
   */
  boolean admit(Sequence s, int hits, int tokens) {
    int fresh = blocksFor(tokens) - hits;
    if (fresh + evictableAmong(s, hits) > free) {
      return false;
    }
    for (int i = 0; i < hits; i++) {
      int b = cached.get(s.blockHash(i));
      if (refs[b]++ == 0) {
        unlink(b);
      }
      s.addBlock(b);
    }
    s.cachedBlocks = hits;
    allocate(s, fresh);
    register(s, tokens);
    return true;
  }

  /**
   * Grows the sequence's allocation to hold {@code tokens} tokens; false (and no change) if full.
   */
  boolean tryGrow(Sequence s, int tokens) {
    int need = blocksFor(tokens) - s.blockCount;
    if (need <= 0) {
      register(s, tokens);
      return true;
    }
    if (need > free) {
      return false;
    }
    allocate(s, need);
    register(s, tokens);
    return true;
  }

  /** Releases a sequence's blocks, tail first; cached ones stay findable until evicted. */
  void free(Sequence s) {
    for (int i = s.blockCount - 1; i >= 0; i--) {
      int b = s.blocks[i];
      if (--refs[b] == 0) {
        append(b);
      }
    }
    s.blockCount = 0;
    s.cachedBlocks = 0;
  }

  /**
   * Forgets every cached block (vLLM's {@code BlockPool.reset_prefix_cache}); false, and nothing
   * forgotten, while any block is held by a sequence, as vLLM refuses then.
   */
  boolean resetPrefixCache() {
    if (free != totalBlocks) {
      return false;
    }
    cached.clear();
    java.util.Arrays.fill(hashed, false);
    return true;
  }

  private void allocate(Sequence s, int count) {
    for (int i = 0; i < count; i++) {
      int b = head;
      unlink(b);
      if (hashed[b]) {
        cached.remove(hash[b], b);
        hashed[b] = false;
      }
      refs[b] = 1;
      s.addBlock(b);
    }
  }

  /** Registers the sequence's full, hashed blocks among its first {@code tokens} tokens. */
  private void register(Sequence s, int tokens) {
    if (!caching) {
      return;
    }
    int full = Math.min(tokens / blockSize, Math.min(s.hashedBlocks(), s.blockCount));
    for (int i = s.cachedBlocks; i < full; i++) {
      int b = s.blocks[i];
      if (!hashed[b] && cached.putIfAbsent(s.blockHash(i), b) == null) {
        hash[b] = s.blockHash(i);
        hashed[b] = true;
      }
    }
    s.cachedBlocks = Math.max(s.cachedBlocks, full);
  }

  private void append(int b) {
    prev[b] = tail;
    next[b] = -1;
    if (tail >= 0) {
      next[tail] = b;
    } else {
      head = b;
    }
    tail = b;
    free++;
  }

  private void unlink(int b) {
    if (prev[b] >= 0) {
      next[prev[b]] = next[b];
    } else {
      head = next[b];
    }
    if (next[b] >= 0) {
      prev[next[b]] = prev[b];
    } else {
      tail = prev[b];
    }
    free--;
  }

  int blocksFor(int tokens) {
    return (tokens + blockSize - 1) / blockSize;
  }

  int blockSize() {
    return blockSize;
  }

  int freeBlocks() {
    return free;
  }

  int usedBlocks() {
    return totalBlocks - free;
  }

  int totalBlocks() {
    return totalBlocks;
  }

  /** Blocks registered in the prefix cache, held or free. */
  int cachedBlocks() {
    return cached.size();
  }

  double usage() {
    return totalBlocks == 0 ? 0.0 : (double) usedBlocks() / totalBlocks;
  }
}
