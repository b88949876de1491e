package io.fleetlb.sim.engine;

/**
 * One token a step produced for one sequence.
 *
 * @param sequenceId the sequence
 * @param index zero-based index of the token in the output
 * @param finish why the sequence ended with this token, or {@code null} if it goes on
 * @param cachedTokens prompt tokens the sequence found in the prefix cache when first scheduled
 */
public record Emission(long sequenceId, int index, FinishReason finish, int cachedTokens) {

  /** True when this is the sequence's last token. */
  public boolean last() {
    return finish != null;
  }
}
