package io.fleetlb.bench.workload;

/**
 * The simulator's tokenizer rule (docs/vllm-sim.md): whitespace-separated words, each {@code
 * ceil(length / 16)} tokens; so N generated words of at most 16 characters are exactly N tokens on
 * vllm-sim. Real tokenizers differ: results use the server's {@code usage} counts.
 */
public final class SimTokens {
  private SimTokens() {}

  public static int count(CharSequence text) {
    int tokens = 0;
    int wordLen = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
        tokens += (wordLen + 15) / 16;
        wordLen = 0;
      } else if (!Character.isLowSurrogate(c)) {
        wordLen++;
      }
    }
    return tokens + (wordLen + 15) / 16;
  }
}
