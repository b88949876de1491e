package io.fleetlb.sim.engine;

import io.fleetlb.sim.tokens.PromptBlocks;
import io.fleetlb.sim.tokens.PromptHasher;
import io.fleetlb.sim.tokens.TokenIds;

/** Prompts with a prefix-cache identity for engine tests: runs of token ids, concatenated. */
final class Prompts {

  static final long SEED = TokenIds.modelSeed("test-model");

  private Prompts() {}

  /** A prompt made of runs: each {@code {first, count}} pair appends ids first, first+1, ... */
  static PromptBlocks of(long... runs) {
    PromptHasher h = new PromptHasher(SEED, 16);
    for (int i = 0; i < runs.length; i += 2) {
      for (long k = 0; k < runs[i + 1]; k++) {
        h.add(runs[i] + k);
      }
    }
    return h.build();
  }

  /** A sequence of this prompt generating {@code output} tokens (ignoring EOS). */
  static SequenceSpec spec(PromptBlocks prompt, int output) {
    return new SequenceSpec(prompt.tokens(), output, FinishReason.LENGTH, output, prompt, 7);
  }

  /** A tiny profile: {@code kvBlocks} blocks of 16 tokens, so eviction and preemption are easy. */
  static Profile tiny(int kvBlocks, int maxNumSeqs, int budget) {
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

  static Engine engine(Profile p, boolean caching) {
    return new Engine(
        p,
        p.maxNumSeqs(),
        p.maxNumBatchedTokens(),
        1.0,
        caching,
        new EngineMetrics(MetricsVersion.V1, p.maxModelLen()));
  }
}
