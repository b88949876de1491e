package io.fleetlb.bench.workload;

/** A dataset that writes a prompt of any requested length (random, sonnet). */
public interface SyntheticDataset {

  /** A prompt of {@code inputTokens} tokens asking for {@code outputTokens}. */
  PromptSample make(String className, int inputTokens, int outputTokens, Rng rng);
}
