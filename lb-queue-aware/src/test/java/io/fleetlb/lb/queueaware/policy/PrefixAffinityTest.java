package io.fleetlb.lb.queueaware.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetlb.lb.config.EjectionConfig;
import io.fleetlb.lb.config.ReplicaConfig;
import io.fleetlb.lb.policy.RequestInfo;
import io.fleetlb.lb.pool.Dispatch;
import io.fleetlb.lb.pool.Replica;
import io.fleetlb.lb.pool.ReplicaPool;
import io.fleetlb.lb.queueaware.config.PolicyConfig;
import io.fleetlb.lb.queueaware.scrape.LoadBoard;
import io.fleetlb.lb.queueaware.scrape.ReplicaLoad;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Prefix affinity on frozen snapshots, an exact clock and lb-core's real counters (pick, then
 * dispatch with the size the policy asks for, as the router does).
 */
class PrefixAffinityTest {
  private static final long SECOND = 1_000_000_000L;
  private static final PolicyConfig PREFIX = PolicyConfig.DEFAULT.withPrefixWeight(1);

  private long now = 100 * SECOND;
  private ReplicaPool pool;
  private LoadBoard board;
  private QueueAwarePolicy policy;
  private final List<Dispatch> open = new ArrayList<>();

  private void fleet(int replicas, PolicyConfig config, long seed) {
    List<ReplicaConfig> configs = new ArrayList<>();
    for (int i = 0; i < replicas; i++) {
      configs.add(new ReplicaConfig("r" + i, "http://127.0.0.1:" + (9000 + i), "m"));
    }
    pool = new ReplicaPool(configs, EjectionConfig.DEFAULT, () -> now);
    board = new LoadBoard();
    policy = QueueAwarePolicy.create(board, config, Duration.ofSeconds(1), () -> now,
        new SplittableRandom(seed));
    for (int i = 0; i < replicas; i++) {
      scraped(i, 2);
    }
  }

  private Replica r(int i) {
    return pool.replicas().get(i);
  }

  private void scraped(int i, double running) {
    board.publish(r(i), new ReplicaLoad(running, 0, 0.2, 1_000_000, now, pool.inFlight(r(i)),
        pool.inFlightTokens(r(i))));
  }

  /** A chat request whose prompt is {@code text}, sized as the router sizes it. */
  private static RequestInfo chat(String text) {
    String prompt = "user" + RequestInfo.ROLE_END + text + RequestInfo.MESSAGE_END;
    return new RequestInfo(text.length() / 4 + RequestInfo.TOKENS_PER_MESSAGE, 100, true, prompt,
        null);
  }

  /** Deterministic filler text: {@code chars} characters drawn from {@code seed}. */
  private static String text(long seed, int chars) {
    SplittableRandom random = new SplittableRandom(seed);
    StringBuilder b = new StringBuilder(chars);
    while (b.length() < chars) {
      b.append((char) ('a' + random.nextInt(26)));
      if (random.nextInt(6) == 0) {
        b.append(' ');
      }
    }
    return b.substring(0, chars);
  }

  /** Picks and dispatches; the request stays in flight until {@link #finishAll}. */
  private int route(RequestInfo request) {
    Replica pick = policy.pick(pool.available("m"), pool, request);
    open.add(pool.dispatch(pick, policy.dispatched(pick, request)));
    return pick.index();
  }

  private void finishAll() {
    open.forEach(d -> d.finish(io.fleetlb.lb.pool.AttemptResult.COMPLETED));
    open.clear();
  }

  @Test
  void requestsWithTheSamePrefixFollowTheFirstWhileTheFleetIsBalanced() {
    fleet(4, PREFIX, 1);
    String system = text(1, 6000);
    int first = route(chat(system + " question 0"));
    finishAll();
    for (int q = 1; q <= 30; q++) {
      assertThat(route(chat(system + " question " + q))).as("question %d", q).isEqualTo(first);
      finishAll();
    }
    PrefixAffinity.Counts c = policy.affinity().counts("m");
    assertThat(c.requests()).isEqualTo(31);
    assertThat(c.hits()).isEqualTo(30);
    assertThat(c.matchedBlocks()).as("6000 chars: 23 whole blocks of 256 each time")
        .isEqualTo(30 * 23);
    assertThat(c.guarded()).isZero();
  }

  @Test
  void withoutAffinityTheSameRequestsSpreadAtRandom() {
    fleet(4, PolicyConfig.DEFAULT, 1);
    String system = text(1, 6000);
    Set<Integer> used = new HashSet<>();
    for (int q = 0; q <= 30; q++) {
      used.add(route(chat(system + " question " + q)));
      finishAll();
    }
    assertThat(used).hasSize(4);
    assertThat(policy.affinity()).isNull();
    assertThat(policy.needsPromptText()).isFalse();
  }

  @Test
  void aBlockMatchesOnlyAfterTheSamePrefix() {
    fleet(2, PREFIX, 1);
    String shared = text(9, 2048);
    String a = text(10, 2048) + shared;
    String b = text(11, 2048) + shared;
    int first = route(chat(a));
    finishAll();
    PrefixAffinity.Match m = policy.affinity().match(pool.available("m"), chat(b), now);
    assertThat(m.blocks).isEqualTo(16);
    assertThat(m.matched[first]).as("the same 8 blocks after another prefix").isZero();
    m = policy.affinity().match(pool.available("m"), chat(a + "more"), now);
    assertThat(m.matched[first]).isEqualTo(16);
    assertThat(m.matched[1 - first]).isZero();
    assertThat(PromptBlocks.block(1, shared, 0, 256)).isNotEqualTo(
        PromptBlocks.block(2, shared, 0, 256));
  }

  @Test
  void aHotPrefixSpreadsOnceItsReplicaIsOverloaded() {
    fleet(2, PREFIX, 1);
    String system = text(2, 8000);
    int hot = route(chat(system + " q"));
    finishAll();
    // The hot replica reports a deep queue: max - min = 28 > 16 and 30 > 1.5 x 2.
    scraped(hot, 30);
    for (int q = 0; q < 5; q++) {
      assertThat(route(chat(system + " q" + q))).isEqualTo(1 - hot);
      finishAll();
    }
    assertThat(policy.affinity().counts("m").guarded()).isEqualTo(5);
    // Once it has the prefix too, the other replica's own affinity holds it there.
    scraped(hot, 2);
    assertThat(policy.affinity().match(pool.available("m"), chat(system + " x"), now)
        .matched[1 - hot]).isEqualTo(31);
  }

  @Test
  void concurrentRequestsOfOnePrefixStayWithinTheBalanceBounds() {
    fleet(2, PREFIX, 1);
    String system = text(3, 8000);
    int[] counts = new int[2];
    for (int q = 0; q < 60; q++) {
      counts[route(chat(system + " question " + q))]++;
    }
    // Affinity keeps most on one replica, but the guard caps the load gap, so both serve.
    assertThat(Math.min(counts[0], counts[1])).isPositive();
    double gap = Math.abs(policy.estimate(r(0), pool, RequestInfo.UNKNOWN, now)
        - policy.estimate(r(1), pool, RequestInfo.UNKNOWN, now));
    assertThat(gap).isLessThanOrEqualTo(16 + 11);
    finishAll();
  }

  @Test
  void aCacheHitIsDispatchedWithOnlyItsUncachedPrompt() {
    fleet(2, PREFIX, 1);
    String system = text(4, 4000);
    int first = route(chat(system));
    // Its prefill done (in vLLM a prefix is cached once computed).
    finishAll();
    RequestInfo again = chat(system + " and more");
    Replica pick = policy.pick(pool.available("m"), pool, again);
    assertThat(pick.index()).isEqualTo(first);
    RequestInfo sized = policy.dispatched(pick, again);
    assertThat(sized.promptTokens()).as("15 of 15.6 blocks cached")
        .isLessThan(again.promptTokens() / 10);
    assertThat(policy.dispatched(pick, again)).as("only right after its pick").isSameAs(again);
    finishAll();
  }

  @Test
  void aZeroPrefixWeightPicksExactlyAsBefore() {
    PolicyConfig off = new PolicyConfig(null, null, null, null, null, null, null, 0.0, 64,
        4096, Duration.ofSeconds(5), 1.0, 1.0, null);
    List<Integer> plain = burst(PolicyConfig.DEFAULT);
    assertThat(burst(off)).isEqualTo(plain);
    assertThat(burst(PREFIX)).as("the check can fail").isNotEqualTo(plain);
  }

  /** 200 picks of shared-prefix requests under varying scraped loads, requests kept in flight. */
  private List<Integer> burst(PolicyConfig config) {
    open.clear();
    now = 100 * SECOND;
    fleet(3, config, 42);
    SplittableRandom loads = new SplittableRandom(5);
    String system = text(6, 3000);
    List<Integer> out = new ArrayList<>();
    for (int q = 0; q < 200; q++) {
      if (q % 10 == 0) {
        now += SECOND / 4;
        for (int i = 0; i < 3; i++) {
          scraped(i, loads.nextInt(8));
        }
        finishAll();
      }
      out.add(route(chat(system + q)));
    }
    finishAll();
    return out;
  }
}
