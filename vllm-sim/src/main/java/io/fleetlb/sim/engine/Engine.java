package io.fleetlb.sim.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A continuous-batching engine in virtual time, modelled on vLLM V1's scheduler.
 *
 * <p>Each step: running sequences are served first, in admission order, each taking either its next
 * prefill chunk or one decode token from a shared token budget ({@code max_num_batched_tokens});
 * then, if nothing was preempted, waiting sequences are admitted first-come first-served while
 * budget, {@code max_num_seqs} and KV blocks last. KV blocks are allocated as tokens are scheduled;
 * when a running sequence cannot grow, the newest running sequence is preempted (its blocks freed,
 * its progress recomputed later) and put back at the head of the queue. A sequence samples one
 * token at the end of the step in which all its tokens are computed.
 *
 * <p>The engine is pure: no threads, no clock. Callers pass virtual timestamps in nanoseconds and
 * must confine each instance to one thread.
 */
public final class Engine {

  private final Profile profile;
  private final int maxNumSeqs;
  private final int maxBatchedTokens;
  private double slowdown;
  private final BlockPool kv;
  private StepPlan inFlight;
  private final EngineMetrics metrics;
  private final TtftEstimator estimator = new TtftEstimator();
  private final ArrayDeque<Sequence> waiting = new ArrayDeque<>();
  private final List<Sequence> running = new ArrayList<>();
  private final Map<Long, Sequence> live = new HashMap<>();
  private long nextId = 1;

  /** Creates an engine without prefix caching (see the full constructor). */
  public Engine(
      Profile profile,
      int maxNumSeqs,
      int maxBatchedTokens,
      double slowdown,
      EngineMetrics metrics) {
    this(profile, maxNumSeqs, maxBatchedTokens, slowdown, false, metrics);
  }

  /**
   * Creates an engine.
   *
   * @param profile model and GPU profile
   * @param maxNumSeqs running-set bound
   * @param maxBatchedTokens token budget per step
   * @param slowdown step-time multiplier (1 = healthy GPU)
   * @param prefixCaching whether full blocks are cached and reused across sequences
   * @param metrics where counters and histograms go
   */
  public Engine(
      Profile profile,
      int maxNumSeqs,
      int maxBatchedTokens,
      double slowdown,
      boolean prefixCaching,
      EngineMetrics metrics) {
    if (maxNumSeqs < 1 || maxBatchedTokens < 1 || !(slowdown > 0)) {
      throw new IllegalArgumentException(
          "bad engine settings: max_num_seqs="
              + maxNumSeqs
              + " max_num_batched_tokens="
              + maxBatchedTokens
              + " slowdown="
              + slowdown);
    }
    this.profile = profile;
    this.maxNumSeqs = maxNumSeqs;
    this.maxBatchedTokens = maxBatchedTokens;
    this.slowdown = slowdown;
    this.kv = new BlockPool(profile.kvBlocks(), profile.blockSize(), prefixCaching);
    this.metrics = metrics;
  }

  /**
   * Changes the step-time multiplier (a GPU degrading or recovering); applies from the next step.
   */
  public void setSlowdown(double slowdown) {
    if (!(slowdown > 0) || !Double.isFinite(slowdown)) {
      throw new IllegalArgumentException("slowdown must be positive, got " + slowdown);
    }
    this.slowdown = slowdown;
  }

  /** Queues a sequence that arrived at {@code now}; returns its id. */
  public long submit(SequenceSpec spec, long now) {
    checkFits(spec);
    Sequence s = new Sequence(nextId++, spec, now);
    waiting.addLast(s);
    live.put(s.id, s);
    publishGauges();
    return s.id;
  }

  /**
   * What would happen to a sequence arriving at {@code now} (the oracle's view): its prefix-cache
   * hit and when its first token would come if nothing else arrived, from the exact state now,
   * including a step in flight. Admits nothing and changes nothing.
   */
  public Estimate estimate(SequenceSpec spec, long now) {
    checkFits(spec);
    Sequence probe = new Sequence(-1, spec, now);
    int hits = Math.min(kv.cachedPrefixBlocks(probe), (spec.promptTokens() - 1) / kv.blockSize());
    long ttft =
        estimator.ttft(
            profile,
            kv,
            running,
            waiting,
            waiting.size(),
            inFlight,
            probe,
            maxNumSeqs,
            maxBatchedTokens,
            slowdown,
            now);
    return new Estimate(
        spec.promptTokens(),
        hits * kv.blockSize(),
        waiting.size(),
        running.size(),
        kv.usage(),
        ttft);
  }

  private void checkFits(SequenceSpec spec) {
    long tokens = (long) spec.promptTokens() + spec.outputTokens();
    if (tokens > profile.kvCapacityTokens()) {
      throw new IllegalArgumentException(
          "sequence of "
              + tokens
              + " tokens exceeds the KV cache ("
              + profile.kvCapacityTokens()
              + " tokens)");
    }
  }

  /** Drops a sequence whose client went away; false if it already finished or is unknown. */
  public boolean abort(long id) {
    Sequence s = live.remove(id);
    if (s == null) {
      return false;
    }
    if (s.status == Sequence.Status.RUNNING) {
      running.remove(s);
    } else {
      waiting.remove(s);
    }
    kv.free(s);
    s.status = Sequence.Status.FINISHED;
    metrics.countFinished(FinishReason.ABORT);
    publishGauges();
    return true;
  }

  /** True when no sequence is waiting or running. */
  public boolean idle() {
    return live.isEmpty();
  }

  /**
   * Decides the next step at virtual time {@code now}; an empty plan means there is nothing to run.
   */
  public StepPlan schedule(long now) {
    List<StepPlan.Work> work = new ArrayList<>();
    int budget = maxBatchedTokens;
    boolean preempted = false;
    int i = 0;
    while (i < running.size() && budget > 0) {
      Sequence s = running.get(i);
      int tokens = Math.min(s.total() - s.computed, budget);
      if (kv.tryGrow(s, s.computed + tokens)) {
        work.add(new StepPlan.Work(s, tokens));
        s.planned = tokens;
        budget -= tokens;
        i++;
        continue;
      }
      preempted = true;
      Sequence victim = running.remove(running.size() - 1);
      preempt(victim);
      // If the victim was s itself, index i now points past the end or at nothing new: loop
      // re-checks.
    }
    if (!preempted) {
      while (!waiting.isEmpty() && budget > 0 && running.size() < maxNumSeqs) {
        Sequence s = waiting.peekFirst();
        int found = kv.cachedPrefixBlocks(s);
        // vLLM never caches the whole prompt: the last token is computed to sample from its logits.
        int hits = Math.min(found, (s.total() - 1) / kv.blockSize());
        int start = hits * kv.blockSize();
        int tokens = Math.min(s.total() - start, budget);
        if (!kv.admit(s, hits, start + tokens)) {
          break;
        }
        s.computed = start;
        if (s.cachedTokens < 0) {
          countLookup(s, found, start);
        }
        waiting.removeFirst();
        running.add(s);
        s.status = Sequence.Status.RUNNING;
        if (s.firstScheduledNanos < 0) {
          s.firstScheduledNanos = now;
        }
        work.add(new StepPlan.Work(s, tokens));
        s.planned = tokens;
        budget -= tokens;
      }
    }
    publishGauges();
    StepPlan p = plan(now, work);
    inFlight = p.isEmpty() ? null : p;
    return p;
  }

  /** Prefix-cache statistics of a first admission (vLLM counts preempted re-admissions apart). */
  private void countLookup(Sequence s, int foundBlocks, int hitTokens) {
    s.cachedTokens = hitTokens;
    if (kv.caching()) {
      metrics.prefixQueries.addAndGet(s.total());
      metrics.prefixHits.addAndGet(hitTokens);
      int promptBlocks = s.spec.promptTokens() / kv.blockSize();
      metrics.prefixBlockQueries.addAndGet(promptBlocks);
      metrics.prefixBlockHits.addAndGet(Math.min(foundBlocks, promptBlocks));
    }
  }

  private void preempt(Sequence victim) {
    kv.free(victim);
    victim.computed = 0;
    victim.status = Sequence.Status.WAITING;
    victim.everPreempted = true;
    waiting.addFirst(victim);
    metrics.preemptions.incrementAndGet();
  }

  private StepPlan plan(long now, List<StepPlan.Work> work) {
    int scheduled = 0;
    int decodes = 0;
    long decodeContext = 0;
    double pairs = 0;
    for (StepPlan.Work w : work) {
      Sequence s = w.sequence();
      scheduled += w.tokens();
      if (s.decoding()) {
        decodes++;
        decodeContext += s.total();
      } else {
        pairs += w.tokens() * (s.computed + w.tokens() / 2.0);
      }
    }
    long duration =
        work.isEmpty()
            ? 0
            : profile.cost().stepNanos(scheduled, decodes, decodeContext, pairs, slowdown);
    return new StepPlan(now, duration, List.copyOf(work), scheduled, decodes);
  }

  /**
   * Applies a step planned by {@link #schedule}: advances sequences and returns the tokens it
   * produced.
   */
  public List<Emission> complete(StepPlan plan) {
    inFlight = null;
    if (plan.isEmpty()) {
      return List.of();
    }
    long end = plan.endNanos();
    metrics.iterationTokens.observe(plan.scheduledTokens());
    double occupancy = Math.min(1.0, plan.scheduledTokens() / profile.cost().saturationTokens());
    metrics.gpu.record(plan.startNanos(), plan.durationNanos(), occupancy);
    List<Emission> out = new ArrayList<>(plan.work().size());
    boolean anyFinished = false;
    for (StepPlan.Work w : plan.work()) {
      Sequence s = w.sequence();
      s.planned = 0;
      if (s.status != Sequence.Status.RUNNING) {
        continue;
      }
      s.computed += w.tokens();
      if (s.computed < s.total()) {
        continue;
      }
      FinishReason finish = sample(s, end);
      out.add(new Emission(s.id, s.generated - 1, finish, Math.max(0, s.cachedTokens)));
      if (finish != null) {
        finish(s, finish, end);
        anyFinished = true;
      }
    }
    if (anyFinished) {
      running.removeIf(s -> s.status == Sequence.Status.FINISHED);
    }
    publishGauges();
    return out;
  }

  private FinishReason sample(Sequence s, long now) {
    boolean last = s.generated + 1 >= s.spec.outputTokens();
    s.appendGenerated(last && s.spec.finishReason() == FinishReason.STOP);
    metrics.generationTokens.incrementAndGet();
    if (s.firstTokenNanos < 0) {
      s.firstTokenNanos = now;
      metrics.ttft.observe(seconds(now - s.arrivalNanos));
      metrics.promptTokens.addAndGet(s.spec.promptTokens());
    } else {
      metrics.interToken.observe(seconds(now - s.lastTokenNanos));
    }
    s.lastTokenNanos = now;
    return s.generated >= s.spec.outputTokens() ? s.spec.finishReason() : null;
  }

  private void finish(Sequence s, FinishReason reason, long now) {
    kv.free(s);
    s.status = Sequence.Status.FINISHED;
    live.remove(s.id);
    metrics.recordFinished(s, reason, now);
  }

  private void publishGauges() {
    metrics.publish(new EngineGauges(running.size(), waiting.size(), kv.usage(), kv.usedBlocks()));
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  public Profile profile() {
    return profile;
  }

  public EngineMetrics metrics() {
    return metrics;
  }

  /**
   * Empties the prefix cache ({@code POST /reset_prefix_cache}); false, and nothing changed, while
   * a sequence holds KV blocks (vLLM refuses to reset then). Counters are kept.
   */
  public boolean resetPrefixCache() {
    return kv.resetPrefixCache();
  }

  /** Sequences in the running set (for tests and diagnostics). */
  public int runningCount() {
    return running.size();
  }

  /** Whether full blocks are cached and reused across sequences. */
  public boolean prefixCaching() {
    return kv.caching();
  }

  /** Blocks registered in the prefix cache, held or free (for tests and diagnostics). */
  public int cachedBlocks() {
    return kv.cachedBlocks();
  }

  /** Sequences waiting (for tests and diagnostics). */
  public int waitingCount() {
    return waiting.size();
  }
}
