package io.fleetlb.sim.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EngineTest {

  private static final Profile LLAMA_8B = Profiles.byId("llama-3.1-8b-h100").orElseThrow();
  private static final Profile LLAMA_70B = Profiles.byId("llama-3.3-70b-awq-h100").orElseThrow();

  /** A tiny profile with a 10-block (160-token) KV cache, so preemption is easy to provoke. */
  private static Profile tiny(int kvBlocks, int maxNumSeqs, int budget) {
    return new Profile(
        "tiny",
        "test",
        kvBlocks,
        16,
        4096,
        maxNumSeqs,
        budget,
        new StepCost(1.0, 10.0, 0.01, 0.0, 0.0, 0.0),
        GpuSpec.h100Sxm(),
        10,
        0.5);
  }

  private static Engine engine(Profile p) {
    return new Engine(
        p,
        p.maxNumSeqs(),
        p.maxNumBatchedTokens(),
        1.0,
        new EngineMetrics(MetricsVersion.V1, p.maxModelLen()));
  }

  private static SequenceSpec spec(int prompt, int output) {
    return new SequenceSpec(prompt, output, FinishReason.LENGTH, output);
  }

  @Test
  void singleStreamGeneratesEveryTokenOnePerStepAtTheCalibratedPace() {
    VirtualRun run = new VirtualRun(engine(LLAMA_8B));
    run.arrive(0, 1, spec(1000, 20));
    run.runToCompletion();

    List<Long> t = run.tokenTimes(1);
    assertThat(t).hasSize(20);
    double itlMs = (t.get(19) - t.get(1)) / 1e6 / 18;
    assertThat(itlMs).isBetween(6.5, 7.5); // research 4.3: 7.0 ms at batch 1
  }

  @Test
  void calibrationPointsOfThe8bProfileMatchTheResearchTable() {
    assertThat(Calibration.decodeItlMs(LLAMA_8B, 1, 1000)).isBetween(6.5, 7.5);
    assertThat(Calibration.decodeItlMs(LLAMA_8B, 32, 1000)).isBetween(8.0, 10.0);
    assertThat(Calibration.decodeItlMs(LLAMA_8B, 128, 1000)).isBetween(14.5, 17.5);
    assertThat(Calibration.decodeItlMs(LLAMA_8B, 256, 1000)).isBetween(23.0, 30.0);
    assertThat(LLAMA_8B.kvCapacityTokens()).isBetween(440_000L, 460_000L);
    assertThat(Calibration.prefillTokensPerSecond(LLAMA_8B, 2048)).isBetween(25_000.0, 40_000.0);
  }

  @Test
  void calibrationPointsOfTheOtherProfilesAreWithinTheResearchRanges() {
    Profile qwen = Profiles.byId("qwen2.5-7b-h100").orElseThrow();
    assertThat(Calibration.decodeItlMs(qwen, 1, 1000)).isBetween(6.3, 7.3);
    assertThat(Calibration.decodeItlMs(qwen, 128, 1000)).isBetween(9.5, 12.5);
    assertThat(qwen.kvCapacityTokens()).isBetween(1_000_000L, 1_080_000L);
    assertThat(Calibration.decodeItlMs(LLAMA_70B, 1, 1000)).isBetween(16.0, 20.0);
    assertThat(LLAMA_70B.kvCapacityTokens()).isBetween(95_000L, 110_000L);
    assertThat(Calibration.prefillTokensPerSecond(LLAMA_70B, 2048)).isBetween(2_500.0, 4_000.0);
  }

  @Test
  void interTokenLatencyGrowsWithBatchAndContext() {
    double small = Calibration.decodeItlMs(LLAMA_8B, 8, 500);
    double bigBatch = Calibration.decodeItlMs(LLAMA_8B, 200, 500);
    double longContext = Calibration.decodeItlMs(LLAMA_8B, 8, 20_000);
    assertThat(bigBatch).isGreaterThan(small * 1.5);
    assertThat(longContext).isGreaterThan(small);
  }

  @Test
  void longPromptIsPrefilledInChunksOfTheTokenBudget() {
    VirtualRun run = new VirtualRun(engine(LLAMA_8B));
    run.arrive(0, 1, spec(20_000, 2));
    run.runToCompletion();

    List<StepPlan> steps = run.steps();
    // ceil(20000 / 8192) = 3 prefill steps, the last one samples token 1, then one decode step.
    assertThat(steps).hasSize(4);
    assertThat(steps.get(0).scheduledTokens()).isEqualTo(8192);
    assertThat(steps.get(1).scheduledTokens()).isEqualTo(8192);
    assertThat(steps.get(2).scheduledTokens()).isEqualTo(20_000 - 2 * 8192);
    assertThat(steps.get(3).decodeSeqs()).isEqualTo(1);
    assertThat(run.ttft(1))
        .isEqualTo(
            steps.get(0).durationNanos()
                + steps.get(1).durationNanos()
                + steps.get(2).durationNanos());
  }

  @Test
  void prefillOfANewRequestSharesTheStepWithRunningDecodes() {
    VirtualRun run = new VirtualRun(engine(LLAMA_8B));
    run.arrive(0, 1, spec(100, 50));
    run.arrive(30_000_000, 2, spec(4000, 5));
    run.runToCompletion();
    StepPlan mixed =
        run.steps().stream().filter(p -> p.work().size() == 2).findFirst().orElseThrow();
    assertThat(mixed.decodeSeqs()).isEqualTo(1);
    assertThat(mixed.scheduledTokens()).isEqualTo(4001);
    // The decode in a mixed step pays for the prefill: its inter-token gap is well above 7 ms.
    assertThat(mixed.durationNanos()).isGreaterThan(50_000_000L);
  }

  @Test
  void runningSetIsBoundedByMaxNumSeqsAndWaitingIsServedInArrivalOrder() {
    Engine engine =
        new Engine(LLAMA_8B, 4, 8192, 1.0, new EngineMetrics(MetricsVersion.V1, 131_072));
    VirtualRun run = new VirtualRun(engine);
    for (int i = 0; i < 10; i++) {
      run.arrive(0, i, spec(50, 10));
    }
    run.runUntil(1);
    assertThat(engine.runningCount()).isEqualTo(4);
    assertThat(engine.waitingCount()).isEqualTo(6);
    run.runToCompletion();
    List<Long> firstTokens = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      firstTokens.add(run.tokenTimes(i).get(0));
    }
    assertThat(firstTokens).isSorted();
  }

  @Test
  void fullKvCachePreemptsTheNewestSequenceWhichRecomputesAndLosesNoToken() {
    // 10 blocks = 160 tokens; two sequences of 48-token prompts each growing to 128 tokens cannot
    // both fit.
    Engine engine = engine(tiny(10, 16, 512));
    VirtualRun run = new VirtualRun(engine);
    run.arrive(0, 1, spec(48, 80));
    run.arrive(0, 2, spec(48, 80));
    run.runToCompletion();

    assertThat(engine.metrics().preemptions.get()).isPositive();
    for (int tag : new int[] {1, 2}) {
      assertThat(run.tokenTimes(tag)).hasSize(80).isSorted();
    }
    // The older sequence is never the victim, so it finishes first and without pause.
    assertThat(run.tokenTimes(1).get(79)).isLessThan(run.tokenTimes(2).get(79));
    assertThat(engine.metrics().gauges().kvBlocksUsed()).isZero();
    assertThat(engine.idle()).isTrue();
  }

  @Test
  void the70bProfileBecomesKvBoundLongBeforeMaxNumSeqs() {
    Engine engine = engine(LLAMA_70B);
    VirtualRun run = new VirtualRun(engine);
    for (int i = 0; i < 300; i++) {
      run.arrive(i * 1_000_000L, i, spec(1000, 600));
    }
    int maxRunning = 0;
    double maxKv = 0;
    boolean sawWaiting = false;
    for (long t = 1_000_000_000L; t <= 60_000_000_000L; t += 1_000_000_000L) {
      run.runUntil(t);
      maxRunning = Math.max(maxRunning, engine.runningCount());
      maxKv = Math.max(maxKv, engine.metrics().gauges().kvUsage());
      sawWaiting |= engine.waitingCount() > 0;
    }
    assertThat(maxRunning).isLessThan(LLAMA_70B.maxNumSeqs() / 4).isLessThanOrEqualTo(110);
    assertThat(sawWaiting).isTrue();
    assertThat(engine.metrics().preemptions.get()).isPositive();
    assertThat(maxKv).isGreaterThan(0.95);
  }

  @Test
  void abortFreesTheSequenceAndItsBlocks() {
    Engine engine = engine(LLAMA_8B);
    long a = engine.submit(spec(1000, 100), 0);
    long b = engine.submit(spec(1000, 100), 0);
    engine.complete(engine.schedule(0));
    assertThat(engine.metrics().gauges().kvBlocksUsed()).isEqualTo(2 * 63);

    assertThat(engine.abort(a)).isTrue();
    assertThat(engine.abort(a)).isFalse();
    assertThat(engine.metrics().gauges().kvBlocksUsed()).isEqualTo(63);
    assertThat(engine.metrics().gauges().running()).isEqualTo(1);
    assertThat(engine.metrics().finished(FinishReason.ABORT)).isEqualTo(1);
    assertThat(engine.abort(b)).isTrue();
    assertThat(engine.idle()).isTrue();
  }

  @Test
  void metricsFollowVllmSemantics() {
    Engine engine = engine(LLAMA_8B);
    VirtualRun run = new VirtualRun(engine);
    run.arrive(0, 1, new SequenceSpec(100, 10, FinishReason.STOP, 50));
    run.arrive(0, 2, spec(200, 5));
    run.runToCompletion();

    EngineMetrics m = engine.metrics();
    assertThat(m.ttft.snapshot().count()).isEqualTo(2);
    assertThat(m.interToken.snapshot().count()).isEqualTo(9 + 4);
    assertThat(m.generationTokens.get()).isEqualTo(15);
    assertThat(m.promptTokens.get()).isEqualTo(300);
    assertThat(m.finished(FinishReason.STOP)).isEqualTo(1);
    assertThat(m.finished(FinishReason.LENGTH)).isEqualTo(1);
    assertThat(m.e2e.snapshot().sum())
        .isCloseTo(
            (run.tokenTimes(1).get(9) + run.tokenTimes(2).get(4)) / 1e9,
            org.assertj.core.data.Offset.offset(1e-9));
    assertThat(m.requestParamsMaxTokens.snapshot().sum()).isEqualTo(55.0);
    assertThat(m.iterationTokens.snapshot().count()).isEqualTo(run.steps().size());
    assertThat(m.gpu.read(run.now()).busyNanos()).isEqualTo((double) run.now());
  }

  @Test
  void slowdownStretchesEveryStep() {
    Engine healthy = engine(LLAMA_8B);
    Engine degraded =
        new Engine(LLAMA_8B, 1024, 8192, 2.0, new EngineMetrics(MetricsVersion.V1, 131_072));
    long h = new VirtualRun(healthy).arrive(0, 1, spec(500, 50)).runToCompletion();
    long d = new VirtualRun(degraded).arrive(0, 1, spec(500, 50)).runToCompletion();
    assertThat((double) d / h).isCloseTo(2.0, org.assertj.core.data.Offset.offset(0.01));
  }

  @Test
  void sameArrivalsGiveTheSameTimelineEveryTime() {
    List<Long> first = timeline();
    assertThat(timeline()).isEqualTo(first);
  }

  private static List<Long> timeline() {
    VirtualRun run = new VirtualRun(engine(LLAMA_70B));
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(7);
    for (int i = 0; i < 200; i++) {
      run.arrive(i * 20_000_000L, i, spec(50 + rnd.nextInt(3000), 1 + rnd.nextInt(400)));
    }
    run.runToCompletion();
    List<Long> all = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      all.addAll(run.tokenTimes(i));
    }
    return all;
  }

  @Test
  void rejectsSequencesLargerThanTheKvCacheAndBadSettings() {
    Engine engine = engine(tiny(10, 4, 512));
    assertThatThrownBy(() -> engine.submit(spec(150, 20), 0))
        .hasMessageContaining("exceeds the KV cache");
    assertThatThrownBy(() -> new Engine(LLAMA_8B, 0, 8192, 1.0, null))
        .hasMessageContaining("max_num_seqs=0");
    assertThatThrownBy(() -> new SequenceSpec(10, 5, FinishReason.ABORT, 5))
        .hasMessageContaining("abort");
  }
}
