package io.fleetlb.sim.engine;

import static io.fleetlb.sim.engine.Prompts.engine;
import static io.fleetlb.sim.engine.Prompts.spec;
import static io.fleetlb.sim.engine.Prompts.tiny;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetlb.sim.tokens.PromptBlocks;
import io.fleetlb.sim.tokens.PromptHasher;
import io.fleetlb.sim.tokens.TextGenerator;
import io.fleetlb.sim.tokens.TokenIds;
import org.junit.jupiter.api.Test;

/** The engine's prefix cache on virtual time: hits, chaining, eviction, ref counts, stats. */
class PrefixCacheTest {

  private static final long SECOND = 1_000_000_000L;

  private static long hits(Engine e) {
    return e.metrics().prefixHits.get();
  }

  @Test
  void aRepeatedPromptHitsItsFullBlocksAndCountsQueriesAndHitsInTokens() {
    Engine engine = engine(tiny(100, 8, 512), true);
    PromptBlocks p = Prompts.of(1000, 100); // 6 full blocks + 4 tokens
    VirtualRun run = new VirtualRun(engine);
    run.arrive(0, 1, spec(p, 3)).arrive(SECOND, 2, spec(p, 3));
    run.runToCompletion();

    assertThat(engine.metrics().prefixQueries.get()).isEqualTo(200);
    assertThat(hits(engine)).isEqualTo(96);
    // the second prefill computed only the 4-token tail
    assertThat(run.steps().stream().filter(s -> s.startNanos() >= SECOND).findFirst())
        .hasValueSatisfying(s -> assertThat(s.scheduledTokens()).isEqualTo(4));
    assertThat(engine.metrics().gauges().kvUsage()).isZero(); // cached blocks are free blocks
    assertThat(engine.cachedBlocks()).isEqualTo(6);
  }

  @Test
  void aResetForgetsEveryCachedBlockButIsRefusedWhileASequenceHoldsBlocks() {
    Engine engine = engine(tiny(100, 8, 512), true);
    PromptBlocks p = Prompts.of(1000, 100);
    VirtualRun run = new VirtualRun(engine);
    run.arrive(0, 1, spec(p, 50));
    run.runUntil(SECOND / 1000); // the first request is running: its blocks are held
    assertThat(engine.runningCount()).isEqualTo(1);
    assertThat(engine.resetPrefixCache()).isFalse();
    assertThat(engine.cachedBlocks()).isEqualTo(6); // nothing forgotten
    run.runToCompletion();

    assertThat(engine.resetPrefixCache()).isTrue();
    assertThat(engine.cachedBlocks()).isZero();
    run.arrive(run.now() + SECOND, 2, spec(p, 3));
    run.runToCompletion();
    assertThat(hits(engine)).isZero(); // the repeat computes its whole prompt again
    assertThat(engine.metrics().prefixQueries.get()).isEqualTo(200); // counters are kept
    assertThat(engine.cachedBlocks()).isEqualTo(6); // and caching goes on
  }

  @Test
  void aFullyCachedPromptStillComputesItsLastTokenAsVllmDoes() {
    Engine engine = engine(tiny(100, 8, 512), true);
    PromptBlocks p = Prompts.of(1000, 64); // exactly 4 blocks
    VirtualRun run = new VirtualRun(engine);
    run.arrive(0, 1, spec(p, 2)).arrive(SECOND, 2, spec(p, 2));
    run.runToCompletion();

    assertThat(hits(engine)).isEqualTo(48); // (64 - 1) / 16 blocks: the last block is recomputed
    assertThat(run.steps().stream().filter(s -> s.startNanos() >= SECOND).findFirst())
        .hasValueSatisfying(s -> assertThat(s.scheduledTokens()).isEqualTo(16));
  }

  @Test
  void theSameBlockAfterADifferentPrefixIsNotAHit() {
    Engine engine = engine(tiny(100, 8, 512), true);
    VirtualRun run = new VirtualRun(engine);
    run.arrive(0, 1, spec(Prompts.of(1, 32, 500, 48), 2)); // X(2 blocks) + Y(3 blocks)
    run.arrive(SECOND, 2, spec(Prompts.of(9001, 32, 500, 48), 2)); // Z + the same Y
    run.arrive(2 * SECOND, 3, spec(Prompts.of(1, 32, 777, 48), 2)); // X + something else
    run.runToCompletion();

    assertThat(hits(engine)).isEqualTo(32); // only the third request, on X
  }

  @Test
  void freedBlocksStayCachedAndTheLeastRecentlyFreedAreEvictedFirstWhenThePoolNeedsThem() {
    Engine engine = engine(tiny(20, 8, 512), true);
    PromptBlocks a = Prompts.of(1, 128); // 8 blocks
    PromptBlocks b = Prompts.of(10_000, 128); // 8 blocks
    PromptBlocks c = Prompts.of(20_000, 190); // 12 blocks: evicts the 4 never-used, then A's
    VirtualRun run = new VirtualRun(engine);
    run.arrive(0, 1, spec(a, 1)).arrive(SECOND, 2, spec(b, 1)).arrive(2 * SECOND, 3, spec(c, 1));
    run.runToCompletion();
    assertThat(hits(engine)).isZero();
    long queries = engine.metrics().prefixQueries.get();

    run.arrive(3 * SECOND, 4, spec(b, 1)); // B was freed after A: still cached
    run.runToCompletion();
    assertThat(hits(engine)).isEqualTo(112);
    run.arrive(4 * SECOND, 5, spec(a, 1)); // A was evicted
    run.runToCompletion();
    assertThat(hits(engine)).isEqualTo(112);
    assertThat(engine.metrics().prefixQueries.get()).isEqualTo(queries + 256);
  }

  @Test
  void sharedBlocksAreRefCountedThroughPreemptionAndAllComeBackAtTheEnd() {
    Profile p = tiny(24, 8, 64);
    Engine engine = engine(p, true);
    PromptBlocks shared = Prompts.of(1, 64, 5000, 16); // 4 shared blocks + 1 own
    PromptBlocks other = Prompts.of(1, 64, 6000, 16);
    VirtualRun run = new VirtualRun(engine);
    run.arrive(0, 1, spec(shared, 120)).arrive(0, 2, spec(other, 120));
    run.arrive(0, 3, spec(Prompts.of(1, 64, 7000, 16), 120));
    run.runToCompletion();

    assertThat(engine.metrics().preemptions.get()).isPositive();
    for (int tag = 1; tag <= 3; tag++) {
      assertThat(run.tokenTimes(tag)).hasSize(120); // no token lost to preemption
    }
    // every block is back in the free queue: ref counts balanced under sharing and preemption
    assertThat(engine.metrics().gauges().kvBlocksUsed()).isZero();
    // vLLM counts only new requests in prefix_cache_queries: re-admissions are apart
    assertThat(engine.metrics().prefixQueries.get()).isEqualTo(3 * 80);
  }

  @Test
  void decodeBlocksAreCachedSoTheNextTurnOfAChatHitsThePreviousAnswer() {
    Engine engine = engine(Profiles.byId("llama-3.1-8b-h100").orElseThrow(), true);
    long seed = TokenIds.modelSeed("m");
    String question = "tell me about the router and the cache ".repeat(10);
    PromptBlocks turn1 =
        new PromptHasher(seed, 16)
            .add(TokenIds.BOS)
            .addMessage("user", question)
            .addGenerationPrompt()
            .build();
    int answerTokens = 50;
    TextGenerator text = new TextGenerator(42);
    StringBuilder answer = new StringBuilder();
    for (int i = 0; i < answerTokens; i++) {
      answer.append(text.next());
    }
    PromptBlocks turn2 =
        new PromptHasher(seed, 16)
            .add(TokenIds.BOS)
            .addMessage("user", question)
            .addMessage("assistant", answer)
            .addMessage("user", "and then?")
            .addGenerationPrompt()
            .build();
    VirtualRun run = new VirtualRun(engine);
    run.arrive(
        0,
        1,
        new SequenceSpec(
            turn1.tokens(), answerTokens, FinishReason.LENGTH, answerTokens, turn1, 42));
    run.arrive(SECOND, 2, spec(turn2, 1));
    run.runToCompletion();

    // KV was computed for the prompt and all answer tokens but the last: those full blocks hit
    long expected = (turn1.tokens() + answerTokens - 1) / 16 * 16L;
    assertThat(expected).isGreaterThan(turn1.tokens());
    assertThat(hits(engine)).isEqualTo(expected);
  }

  @Test
  void withCachingOffNothingHitsAndNothingIsQueriedAsInVllm() {
    Engine engine = engine(tiny(100, 8, 512), false);
    PromptBlocks p = Prompts.of(1000, 100);
    VirtualRun run = new VirtualRun(engine);
    run.arrive(0, 1, spec(p, 3)).arrive(SECOND, 2, spec(p, 3));
    run.runToCompletion();

    assertThat(hits(engine)).isZero();
    assertThat(engine.metrics().prefixQueries.get()).isZero();
    assertThat(run.ttft(2)).isEqualTo(run.ttft(1));
    assertThat(engine.cachedBlocks()).isZero();
  }

  /**
   * Calibration against vLLM's documented behaviour (docs "Automatic Prefix Caching": a request
   * sharing a cached prefix skips the prefix's computation): a repeated 2,000-token prefix with a
   * new 100-token suffix gets its first token in about the suffix's prefill time, the prefix's
   * attention aside.
   */
  @Test
  void aRepeated2000TokenPrefixCutsTheSecondTtftToAboutTheSuffixPrefill() {
    Profile llama = Profiles.byId("llama-3.1-8b-h100").orElseThrow();
    Engine engine = engine(llama, true);
    VirtualRun run = new VirtualRun(engine);
    run.arrive(0, 1, spec(Prompts.of(1, 2000, 50_000, 100), 1));
    run.arrive(SECOND, 2, spec(Prompts.of(1, 2000, 60_000, 100), 1));
    run.arrive(2 * SECOND, 3, spec(Prompts.of(70_000, 100), 1)); // the suffix alone, cold
    run.runToCompletion();

    double first = run.ttft(1) / 1e6;
    double second = run.ttft(2) / 1e6;
    double suffixAlone = run.ttft(3) / 1e6;
    assertThat(hits(engine)).isEqualTo(2000);
    assertThat(second).isLessThan(0.2 * first);
    assertThat(second / suffixAlone).isBetween(1.0, 1.25);
  }
}
