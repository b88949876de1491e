package io.fleetlb.sim.engine;

import io.fleetlb.sim.tokens.PromptBlocks;

/**
 * What the API layer asks the engine to run: sizes, and the prompt's block hashes for the prefix
 * cache; the engine never sees text.
 *
 * @param promptTokens prompt length in tokens
 * @param outputTokens how many tokens this sequence will generate (EOS included when it stops)
 * @param finishReason the reason reported once {@code outputTokens} have been generated
 * @param maxTokens the request's {@code max_tokens} (for the params histogram)
 * @param prompt the prompt's block hashes, or {@code null} for a prompt that shares nothing (it
 *     never hits the prefix cache and leaves nothing in it)
 * @param textSeed seed of the answer's {@code TextGenerator}, so the engine knows the ids of the
 *     tokens it generates (decode blocks are cached too, as vLLM V1 caches them)
 */
public record SequenceSpec(
    int promptTokens,
    int outputTokens,
    FinishReason finishReason,
    int maxTokens,
    PromptBlocks prompt,
    long textSeed) {

  public SequenceSpec {
    if (promptTokens < 1 || outputTokens < 1 || maxTokens < outputTokens) {
      throw new IllegalArgumentException(
          "bad sequence spec: prompt="
              + promptTokens
              + " output="
              + outputTokens
              + " max="
              + maxTokens);
    }
    if (finishReason == FinishReason.ABORT) {
      throw new IllegalArgumentException("a sequence cannot be planned to abort");
    }
    if (prompt != null && prompt.tokens() != promptTokens) {
      throw new IllegalArgumentException(
          "prompt blocks cover " + prompt.tokens() + " tokens, the prompt has " + promptTokens);
    }
  }

  /** A sequence whose prompt shares nothing with any other (no prefix-cache identity). */
  public SequenceSpec(
      int promptTokens, int outputTokens, FinishReason finishReason, int maxTokens) {
    this(promptTokens, outputTokens, finishReason, maxTokens, null, 0);
  }
}
