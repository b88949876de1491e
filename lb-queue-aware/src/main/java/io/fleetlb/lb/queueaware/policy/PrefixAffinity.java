package io.fleetlb.lb.queueaware.policy;

import io.fleetlb.lb.policy.RequestInfo;
import io.fleetlb.lb.pool.Replica;
import io.fleetlb.lb.queueaware.config.PolicyConfig;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The prefix-aware part of the queue-aware policy ({@code policy.prefix_weight} above 0): an
 * approximate, router-side index of which replica was recently sent which prompt blocks (the
 * text hashed in the router, no tokenizer, as SGLang's cache-aware router and llm-d's approximate
 * prefix-cache scorer do), and the scoring that lowers a candidate's load by the prefill its
 * cached prefix would save, unless the candidates' loads are out of balance:
 *
 * <pre>
 * matched_i  = leading full blocks of the prompt the index holds for candidate i
 * saved_i    = prefix_weight x prefill_weight / 1000 x prompt tokens
 *              x matched_i x block_chars / prompt chars    (the prefill term, for the cached part)
 * imbalanced = max load - min load > prefix_balance_abs
 *              and max load > prefix_balance_rel x min load
 * score_i    = load_i when imbalanced, else load_i - saved_i
 * </pre>
 *
 * The pick's blocks are then recorded for the replica it chose, so a session's next turn follows
 * its history, and the request is dispatched there with the matched part of its prompt left out
 * of the replica's pending prefill ({@link #dispatched}), which would otherwise count a cache hit
 * as a full prefill and push the next request of the same prefix away.
 *
 * <p>Thread-safe; per pick it hashes the prompt once and allocates nothing once the calling
 * thread's scratch arrays have grown to the prompt's size.
 */
public final class PrefixAffinity {
  /** Blocks of one prompt looked at, at most (2 MB of text at the default block size). */
  static final int MAX_BLOCKS = 8192;
  /** Replicas of one model the index can tell apart (one bit each). */
  static final int MAX_SLOTS = 64;

  private final double savedPerToken;
  private final int blockChars;
  private final double balanceAbs;
  private final double balanceRel;
  private final PrefixIndex index;
  private final Map<Replica, Long> bits = new ConcurrentHashMap<>();
  private final Map<String, Long> usedBits = new ConcurrentHashMap<>();
  private final Map<String, Counts> counts = new ConcurrentHashMap<>();
  private final ThreadLocal<Match> scratch = ThreadLocal.withInitial(Match::new);

  /** What one model's picks found in the index (monotonic counts). */
  public static final class Counts {
    final LongAdder requests = new LongAdder();
    final LongAdder hits = new LongAdder();
    final LongAdder queriedBlocks = new LongAdder();
    final LongAdder matchedBlocks = new LongAdder();
    final LongAdder guarded = new LongAdder();

    /** Picks of a prompt with at least one full block. */
    public long requests() {
      return requests.sum();
    }

    /** Picks whose chosen replica held at least the prompt's first block. */
    public long hits() {
      return hits.sum();
    }

    /** Full blocks of those prompts. */
    public long queriedBlocks() {
      return queriedBlocks.sum();
    }

    /** Of them, the leading blocks the chosen replica held. */
    public long matchedBlocks() {
      return matchedBlocks.sum();
    }

    /** Picks where some candidate held blocks but the balance guard chose by load alone. */
    public long guarded() {
      return guarded.sum();
    }
  }

  /** One pick's blocks and candidates' matches; reused by the thread that picks. */
  static final class Match {
    long[] hashes = new long[64];
    int blocks;
    int[] matched = new int[8];
    long[] bits = new long[8];
    boolean guarded;
    /** The last pick's request, replica and that replica's matched blocks (for dispatched). */
    RequestInfo request;
    Replica chosen;
    int chosenMatched;

    void ensure(int blocks, int candidates) {
      if (hashes.length < blocks) {
        hashes = new long[Math.max(blocks, hashes.length * 2)];
      }
      if (matched.length < candidates) {
        matched = new int[Math.max(candidates, matched.length * 2)];
        bits = new long[matched.length];
      }
    }
  }

  /** The affinity of a {@code policy:} section with prefix_weight above 0. */
  public PrefixAffinity(PolicyConfig config) {
    this.savedPerToken = config.prefixWeight() * config.prefillWeight() / 1000.0;
    this.blockChars = config.prefixBlockChars();
    this.balanceAbs = config.prefixBalanceAbs();
    this.balanceRel = config.prefixBalanceRel();
    this.index = new PrefixIndex(config.prefixIndexMaxBlocks(), config.prefixTtl().toNanos());
  }

  /**
   * Hashes the request's prompt and finds, for each candidate, how many leading blocks the index
   * holds for it at {@code now}. The result is the calling thread's scratch: use it before the
   * thread's next pick.
   */
  Match match(List<Replica> candidates, RequestInfo request, long now) {
    Match m = scratch.get();
    String text = request.prompt();
    int n = candidates.size();
    int blocks = Math.min(text.length() / blockChars, MAX_BLOCKS);
    m.ensure(blocks, n);
    m.blocks = blocks;
    m.guarded = false;
    if (blocks == 0) {
      return m;
    }
    PromptBlocks.hash(candidates.get(0).model(), text, blockChars, blocks, m.hashes);
    long alive = 0;
    for (int i = 0; i < n; i++) {
      m.bits[i] = bit(candidates.get(i));
      m.matched[i] = 0;
      alive |= m.bits[i];
    }
    // Walk the chain while any candidate still matches: a block counts only after its prefix.
    for (int b = 0; b < blocks && alive != 0; b++) {
      long held = index.owners(m.hashes[b], now) & alive;
      if (held != alive) {
        for (int i = 0; i < n; i++) {
          if ((alive & m.bits[i]) != 0 && (held & m.bits[i]) == 0) {
            m.matched[i] = b;
          }
        }
        alive = held;
      }
    }
    for (int i = 0; i < n; i++) {
      if ((alive & m.bits[i]) != 0) {
        m.matched[i] = blocks;
      }
    }
    return m;
  }

  /**
   * Lowers each candidate's load by its saved prefill, in place, unless the loads are out of
   * balance (then they stay as they are: pure least-loaded).
   */
  void score(Match m, double[] loads, int n, RequestInfo request) {
    boolean any = false;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      any |= m.matched[i] > 0;
      min = Math.min(min, loads[i]);
      max = Math.max(max, loads[i]);
    }
    if (!any) {
      return;
    }
    if (max - min > balanceAbs && max > balanceRel * min) {
      m.guarded = true;
      return;
    }
    double perBlock = savedPerToken * request.promptTokens() * blockChars
        / request.prompt().length();
    for (int i = 0; i < n; i++) {
      loads[i] -= perBlock * m.matched[i];
    }
  }

  /** Records the pick's blocks for the chosen candidate (index {@code chosen}) and counts it. */
  void record(Match m, RequestInfo request, Replica replica, int chosen, long now) {
    m.request = request;
    m.chosen = replica;
    m.chosenMatched = m.blocks == 0 ? 0 : m.matched[chosen];
    if (m.blocks == 0) {
      return;
    }
    long bit = bit(replica);
    if (bit != 0) {
      for (int b = 0; b < m.blocks; b++) {
        index.record(m.hashes[b], bit, now);
      }
    }
    Counts c = counts(replica.model());
    int matched = m.chosenMatched;
    c.requests.increment();
    c.queriedBlocks.add(m.blocks);
    c.matchedBlocks.add(matched);
    if (matched > 0) {
      c.hits.increment();
    }
    if (m.guarded) {
      c.guarded.increment();
    }
  }

  /**
   * The request as the replica just picked for it should count it: its prompt tokens less the
   * share the index holds there (the request itself when this thread's last pick was another).
   */
  RequestInfo dispatched(Replica pick, RequestInfo request) {
    Match m = scratch.get();
    if (m.request != request || m.chosen != pick) {
      return request;
    }
    m.request = null;
    m.chosen = null;
    if (m.chosenMatched == 0) {
      return request;
    }
    double cached = Math.min(1.0,
        (double) m.chosenMatched * blockChars / request.prompt().length());
    int tokens = (int) Math.round(request.promptTokens() * (1 - cached));
    return new RequestInfo(tokens, request.maxTokens(), request.stream(), request.prompt(),
        request.body());
  }

  /** The replica's bit among its model's replicas; 0 (no affinity) past the 64th. */
  private long bit(Replica r) {
    Long b = bits.get(r);
    return b != null ? b : assign(r);
  }

  private synchronized long assign(Replica r) {
    Long b = bits.get(r);
    if (b != null) {
      return b;
    }
    long used = usedBits.getOrDefault(r.model(), 0L);
    long free = Long.lowestOneBit(~used);
    bits.put(r, free);
    usedBits.put(r.model(), used | free);
    return free;
  }

  /** Forgets a replica that left the pool: its slot is cleared from the index and freed. */
  public synchronized void forget(Replica r) {
    Long b = bits.remove(r);
    if (b != null && b != 0) {
      index.forget(b);
      usedBits.computeIfPresent(r.model(), (m, used) -> used & ~b);
    }
  }

  /** The counts of one model's picks (created when first asked). */
  public Counts counts(String model) {
    return counts.computeIfAbsent(model, m -> new Counts());
  }

  /** Index entries in use. */
  public long indexBlocks() {
    return index.occupied();
  }

  /** The index's capacity in entries. */
  public int indexCapacity() {
    return index.capacity();
  }

  /** Entries replaced before their TTL to make room. */
  public long evictions() {
    return index.evictions();
  }
}
