package io.fleetlb.sim.engine;

import static io.fleetlb.sim.engine.Prompts.engine;
import static io.fleetlb.sim.engine.Prompts.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fleetlb.sim.tokens.PromptBlocks;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The oracle's estimate on virtual time: it matches what then happens, and moves the right way. */
class EstimateTest {

  private static final Profile LLAMA_8B = Profiles.byId("llama-3.1-8b-h100").orElseThrow();
  private static final Profile LLAMA_70B = Profiles.byId("llama-3.3-70b-awq-h100").orElseThrow();
  private static final long MS = 1_000_000L;

  /**
   * Loads a run with random arrivals (prompts 200-3000 tokens, outputs 20-400) spread over {@code
   * [0, until)}.
   */
  private static VirtualRun loaded(Profile p, int requests, long seed, long until) {
    VirtualRun run = new VirtualRun(engine(p, true));
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < requests; i++) {
      PromptBlocks prompt = Prompts.of(i * 1_000_000L, 200 + r.nextInt(2800));
      run.arrive(r.nextLong(until), i, spec(prompt, 20 + r.nextInt(380)));
    }
    return run;
  }

  /**
   * Tolerance 1%: the estimate replays the same scheduler and cost model; it ignores only later
   * evictions of blocks a queued request would hit, which these prompts never share.
   */
  @Test
  void theEstimateAgreesWithTheMeasuredTtftWhenNothingElseArrives() {
    for (Profile p : new Profile[] {LLAMA_8B, LLAMA_70B}) {
      for (long probeAt : new long[] {300 * MS, 1_000 * MS, 1_900 * MS}) {
        VirtualRun run = loaded(p, p == LLAMA_70B ? 60 : 300, 11, probeAt);
        run.runUntil(probeAt);
        PromptBlocks prompt = Prompts.of(-5_000_000L, 1500);
        Estimate e = run.estimate(spec(prompt, 10));
        assertThat(e.waiting() + e.running()).as("load at the probe").isPositive();
        long before = run.engine().waitingCount() + run.engine().runningCount();
        run.arrive(run.now(), -1, spec(prompt, 10));
        run.runToCompletion();
        assertThat(e.waiting() + e.running()).isEqualTo((int) before); // nothing was admitted
        assertThat((double) e.ttftNanos())
            .as(p.id() + " at " + probeAt / MS + " ms")
            .isCloseTo(run.ttft(-1), within(run.ttft(-1) * 0.01));
      }
    }
  }

  @Test
  void theEstimateGrowsWithTheQueueAhead() {
    Profile tiny = Prompts.tiny(2000, 4, 256);
    Engine engine = engine(tiny, true);
    PromptBlocks probe = Prompts.of(-1, 300);
    long previous = engine.estimate(spec(probe, 5), 0).ttftNanos();
    for (int i = 0; i < 8; i++) {
      engine.submit(spec(Prompts.of(i * 10_000L, 300), 50), 0);
      long next = engine.estimate(spec(probe, 5), 0).ttftNanos();
      assertThat(next).as("with %d queued", i + 1).isGreaterThan(previous);
      previous = next;
    }
  }

  @Test
  void aCachedPrefixLowersTheEstimateAndIsReported() {
    VirtualRun run = new VirtualRun(engine(LLAMA_8B, true));
    run.arrive(0, 1, spec(Prompts.of(1, 4000, 100, 50), 5));
    run.runToCompletion();
    Engine engine = run.engine();
    Estimate shared = engine.estimate(spec(Prompts.of(1, 4000, 900, 50), 5), run.now());
    Estimate cold = engine.estimate(spec(Prompts.of(77_000, 4050), 5), run.now());

    assertThat(shared.cachedTokens()).isEqualTo(4000);
    assertThat(cold.cachedTokens()).isZero();
    assertThat(shared.ttftNanos()).isLessThan(cold.ttftNanos() / 5);
    assertThat(engine.metrics().prefixQueries.get()).isEqualTo(4050); // estimates are not queries
  }

  @Test
  void aStepInFlightIsWaitedForFirst() {
    Engine engine = engine(LLAMA_8B, true);
    engine.submit(spec(Prompts.of(1, 8000), 5), 0);
    StepPlan plan = engine.schedule(0); // an 8000-token prefill, about 0.25 s
    PromptBlocks probe = Prompts.of(-1, 16);
    long midStep = plan.durationNanos() / 2;
    Estimate e = engine.estimate(spec(probe, 5), midStep);
    engine.complete(plan);
    Estimate after = engine.estimate(spec(probe, 5), plan.endNanos());

    assertThat(e.ttftNanos()).isEqualTo(plan.endNanos() - midStep + after.ttftNanos());
  }
}
