package io.fleetlb.sim.engine;

/**
 * What the API layer asks the engine to run: sizes only, the engine never sees text.
 *
 * @param promptTokens prompt length in tokens
 * @param outputTokens how many tokens this sequence will generate (EOS included when it stops)
 * @param finishReason the reason reported once {@code outputTokens} have been generated
 * @param maxTokens the request's {@code max_tokens} (for the params histogram)
 */
public record SequenceSpec(
    int promptTokens, int outputTokens, FinishReason finishReason, int maxTokens) {

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
  }
}
