package io.fleetlb.bench.workload;

/**
 * vLLM's {@code random} dataset in words: each prompt is {@code --random-prefix-len} shared words
 * followed by the sampled number of random words, so a prompt asked to be N tokens is exactly N +
 * prefix tokens on vllm-sim (before the server's chat template).
 */
public final class RandomDataset implements SyntheticDataset {
  private final String prefix;
  private final int prefixTokens;

  public RandomDataset(int prefixLen, long seed) {
    if (prefixLen < 0) {
      throw new IllegalArgumentException("--random-prefix-len must be >= 0, got " + prefixLen);
    }
    this.prefix =
        prefixLen == 0 ? "" : PromptText.words(prefixLen, new Rng(seed, "random-prefix")) + " ";
    this.prefixTokens = prefixLen;
  }

  @Override
  public PromptSample make(String className, int inputTokens, int outputTokens, Rng rng) {
    StringBuilder sb = new StringBuilder(prefix.length() + inputTokens * 7);
    sb.append(prefix);
    PromptText.appendWords(sb, inputTokens, rng);
    return new PromptSample(sb.toString(), prefixTokens + inputTokens, outputTokens, className);
  }
}
