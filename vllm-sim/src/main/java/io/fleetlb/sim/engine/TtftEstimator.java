package io.fleetlb.sim.engine;

import java.util.Arrays;
import java.util.List;

/**
 * Replays the engine's scheduler forward on a shadow of its state to tell when a request arriving
 * now would get its first token.
 *
 * <p>The shadow holds numbers only (tokens computed, blocks held, tokens still to generate) for the
 * running sequences in admission order, the waiting queue in order and the probe at its end; each
 * shadow step applies {@link Engine#schedule}'s rules (running sequences first, their prefill chunk
 * or decode from the token budget, preemption of the newest when KV runs out, then FCFS admission
 * bounded by budget, {@code max_num_seqs} and free blocks) and the same step-cost model, and
 * finishes sequences at their planned output length. A step in flight ends first. Prefix hits of
 * queued sequences are looked up once, at the start. The free queue is followed as runs of blocks
 * (who freed them, how many are left) so a preempted sequence finds again the blocks of its prefix
 * that later allocations have not yet taken, as it does in the pool; other evictions are ignored.
 * Scratch arrays are reused, so an estimate allocates almost nothing; only the engine's thread (or
 * a caller holding the engine's lock) may use it.
 */
final class TtftEstimator {

  private static final int MAX_STEPS = 200_000;

  private int[] total = new int[64];
  private int[] computed = new int[64];
  private int[] left = new int[64];
  private int[] generated = new int[64];
  private int[] blocks = new int[64];
  private int[] hits = new int[64];
  private int[] evictable = new int[64];
  private int[] run = new int[64];
  private int[] queue = new int[64];
  private int[] work = new int[64];
  private int[] workTokens = new int[64];
  private boolean[] identity = new boolean[64];
  private int[] victimRun = new int[64];
  private int[] runCount = new int[64];
  private int runs;
  private int runHead;
  private int entries;
  private int running;
  private int queueHead;
  private int queued;

  /**
   * Engine time from {@code now} to the probe's first token, or {@link Long#MAX_VALUE} if the
   * scheduler could never run it.
   */
  long ttft(
      Profile profile,
      BlockPool kv,
      List<Sequence> runningSeqs,
      Iterable<Sequence> waitingSeqs,
      int waitingCount,
      StepPlan inFlight,
      Sequence probe,
      int maxNumSeqs,
      int budgetPerStep,
      double slowdown,
      long now) {
    reset(runningSeqs.size() + waitingCount + 1);
    int free = kv.freeBlocks();
    release(free);
    long t = now;
    if (inFlight != null) {
      t = Math.max(now, inFlight.endNanos());
    }
    for (Sequence s : runningSeqs) {
      int e = entry(s, s.computed);
      blocks[e] = s.blockCount;
      if (inFlight != null) {
        computed[e] += s.planned;
        if (computed[e] == total[e] && sampleFinishes(e)) {
          free += blocks[e];
          release(blocks[e]);
          continue;
        }
      }
      run[running++] = e;
    }
    for (Sequence s : waitingSeqs) {
      enqueue(kv, s, entry(s, 0));
    }
    int probeEntry = entry(probe, 0);
    enqueue(kv, probe, probeEntry);
    int bs = kv.blockSize();
    for (int step = 0; step < MAX_STEPS; step++) {
      int budget = budgetPerStep;
      int scheduled = 0;
      boolean preempted = false;
      int i = 0;
      while (i < running && budget > 0) {
        int e = run[i];
        int tokens = Math.min(total[e] - computed[e], budget);
        int need = Math.max(0, blocksFor(computed[e] + tokens, bs) - blocks[e]);
        if (need <= free) {
          free -= need;
          take(need);
          blocks[e] += need;
          work[scheduled] = e;
          workTokens[scheduled++] = tokens;
          budget -= tokens;
          i++;
          continue;
        }
        preempted = true;
        int victim = run[--running];
        free += blocks[victim];
        // its full blocks stay cached in the free queue, last block first in line for reuse
        hits[victim] = identity[victim] && kv.caching() ? computed[victim] / bs : 0;
        victimRun[victim] = release(blocks[victim]);
        blocks[victim] = 0;
        computed[victim] = 0;
        queueHead = (queueHead - 1 + queue.length) % queue.length;
        queue[queueHead] = victim;
        queued++;
      }
      if (!preempted) {
        while (queued > 0 && budget > 0 && running < maxNumSeqs) {
          int e = queue[queueHead];
          if (victimRun[e] >= 0) {
            // a preempted sequence finds what is left of its blocks (their prefix) in the queue
            hits[e] = Math.min(Math.min(hits[e], runCount[victimRun[e]]), (total[e] - 1) / bs);
            evictable[e] = hits[e];
          }
          int start = hits[e] * bs;
          int tokens = Math.min(total[e] - start, budget);
          int fresh = blocksFor(start + tokens, bs) - hits[e];
          if (fresh + evictable[e] > free) {
            break;
          }
          free -= fresh + evictable[e];
          if (victimRun[e] >= 0) {
            runCount[victimRun[e]] -= hits[e];
            victimRun[e] = -1;
          }
          take(fresh);
          blocks[e] = hits[e] + fresh;
          computed[e] = start;
          queueHead = (queueHead + 1) % queue.length;
          queued--;
          run[running++] = e;
          work[scheduled] = e;
          workTokens[scheduled++] = tokens;
          budget -= tokens;
        }
      }
      if (scheduled == 0) {
        return Long.MAX_VALUE;
      }
      t += stepNanos(profile, scheduled, slowdown);
      boolean anyFinished = false;
      for (int k = 0; k < scheduled; k++) {
        int e = work[k];
        computed[e] += workTokens[k];
        if (computed[e] < total[e]) {
          continue;
        }
        if (e == probeEntry) {
          return t - now;
        }
        if (sampleFinishes(e)) {
          free += blocks[e];
          release(blocks[e]);
          blocks[e] = -1;
          anyFinished = true;
        }
      }
      if (anyFinished) {
        int kept = 0;
        for (int k = 0; k < running; k++) {
          if (blocks[run[k]] >= 0) {
            run[kept++] = run[k];
          }
        }
        running = kept;
      }
    }
    return t - now;
  }

  private long stepNanos(Profile profile, int scheduled, double slowdown) {
    int tokens = 0;
    int decodes = 0;
    long decodeContext = 0;
    double pairs = 0;
    for (int k = 0; k < scheduled; k++) {
      int e = work[k];
      int n = workTokens[k];
      tokens += n;
      if (generated[e] > 0 && computed[e] == total[e] - 1) {
        decodes++;
        decodeContext += total[e];
      } else {
        pairs += n * (computed[e] + n / 2.0);
      }
    }
    return profile.cost().stepNanos(tokens, decodes, decodeContext, pairs, slowdown);
  }

  /** Samples a token for entry {@code e}; true when that was its last. */
  private boolean sampleFinishes(int e) {
    generated[e]++;
    total[e]++;
    return --left[e] <= 0;
  }

  private void enqueue(BlockPool kv, Sequence s, int e) {
    int found = kv.cachedPrefixBlocks(s);
    hits[e] = Math.min(found, (s.total() - 1) / kv.blockSize());
    evictable[e] = kv.evictableAmong(s, hits[e]);
    queue[(queueHead + queued) % queue.length] = e;
    queued++;
  }

  private int entry(Sequence s, int done) {
    int e = entries++;
    total[e] = s.total();
    computed[e] = done;
    left[e] = s.spec.outputTokens() - s.generated;
    generated[e] = s.generated;
    blocks[e] = 0;
    hits[e] = 0;
    evictable[e] = 0;
    identity[e] = s.spec.prompt() != null;
    victimRun[e] = -1;
    return e;
  }

  /** Appends a run of {@code count} freed blocks to the free queue; returns its index. */
  private int release(int count) {
    if (runs == runCount.length) {
      runCount = Arrays.copyOf(runCount, runs * 2);
    }
    runCount[runs] = count;
    return runs++;
  }

  /** Takes {@code count} blocks from the head of the free queue. */
  private void take(int count) {
    while (count > 0 && runHead < runs) {
      int n = Math.min(count, runCount[runHead]);
      runCount[runHead] -= n;
      count -= n;
      if (runCount[runHead] == 0) {
        runHead++;
      }
    }
  }

  private void reset(int capacity) {
    if (total.length < capacity) {
      int n = Math.max(capacity, total.length * 2);
      total = Arrays.copyOf(total, n);
      computed = Arrays.copyOf(computed, n);
      left = Arrays.copyOf(left, n);
      generated = Arrays.copyOf(generated, n);
      blocks = Arrays.copyOf(blocks, n);
      hits = Arrays.copyOf(hits, n);
      evictable = Arrays.copyOf(evictable, n);
      run = Arrays.copyOf(run, n);
      queue = Arrays.copyOf(queue, n);
      work = Arrays.copyOf(work, n);
      workTokens = Arrays.copyOf(workTokens, n);
      identity = Arrays.copyOf(identity, n);
      victimRun = Arrays.copyOf(victimRun, n);
    }
    runs = 0;
    runHead = 0;
    entries = 0;
    running = 0;
    queueHead = 0;
    queued = 0;
  }

  private static int blocksFor(int tokens, int blockSize) {
    return (tokens + blockSize - 1) / blockSize;
  }
}
