package io.fleetlb.bench.workload;

import java.util.List;

/**
 * vLLM's {@code sonnet} dataset shape: every prompt starts with the same instruction and poem lines
 * ({@code --sonnet-prefix-len} tokens, the prefix-cache-friendly part), followed by lines sampled
 * per request up to the input length. Lines come from {@code --dataset-path} (vLLM's sonnet.txt
 * works) or, without a file, from generated poem-like lines.
 */
public final class SonnetDataset implements SyntheticDataset {
  static final String INSTRUCTION = "Pick as many lines as you can from these poem lines:";
  private final List<String> pool;
  private final String prefix;
  private final int prefixTokens;

  /**
   * @param lines the line pool, or null to generate lines from the vocabulary
   */
  public SonnetDataset(int prefixLen, List<String> lines, long seed) {
    Rng rng = new Rng(seed, "sonnet-lines");
    this.pool = lines != null && !lines.isEmpty() ? List.copyOf(lines) : generatedLines(rng);
    int instructionTokens = SimTokens.count(INSTRUCTION);
    if (prefixLen < instructionTokens) {
      throw new IllegalArgumentException(
          "--sonnet-prefix-len must be at least "
              + instructionTokens
              + " (the instruction's length), got "
              + prefixLen);
    }
    StringBuilder sb = new StringBuilder(INSTRUCTION);
    int tokens = instructionTokens;
    int i = 0;
    while (tokens < prefixLen) {
      tokens += appendLine(sb, pool.get(i++ % pool.size()), prefixLen - tokens);
    }
    this.prefix = sb.toString();
    this.prefixTokens = tokens;
  }

  private static List<String> generatedLines(Rng rng) {
    String[] lines = new String[200];
    for (int i = 0; i < lines.length; i++) {
      lines[i] = PromptText.words(6 + rng.nextInt(5), rng);
    }
    return List.of(lines);
  }

  /**
   * Appends a newline and as much of the line as fits in {@code budget} tokens; returns tokens
   * used.
   */
  private static int appendLine(StringBuilder sb, String line, int budget) {
    String[] words = line.trim().split("\\s+");
    int used = 0;
    sb.append('\n');
    boolean first = true;
    for (String w : words) {
      int t = SimTokens.count(w);
      if (w.isEmpty() || used + t > budget) {
        if (w.isEmpty()) {
          continue;
        }
        break;
      }
      if (!first) {
        sb.append(' ');
      }
      sb.append(w);
      used += t;
      first = false;
    }
    if (used == 0 && budget > 0) {
      // a single over-long word: emit one short word so progress is always made
      sb.append("line");
      used = 1;
    }
    return used;
  }

  @Override
  public PromptSample make(String className, int inputTokens, int outputTokens, Rng rng) {
    if (inputTokens < prefixTokens) {
      throw new IllegalArgumentException(
          "sonnet input length "
              + inputTokens
              + " is shorter than the shared prefix ("
              + prefixTokens
              + " tokens)");
    }
    StringBuilder sb = new StringBuilder(prefix);
    int tokens = prefixTokens;
    while (tokens < inputTokens) {
      tokens += appendLine(sb, pool.get(rng.nextInt(pool.size())), inputTokens - tokens);
    }
    return new PromptSample(sb.toString(), tokens, outputTokens, className);
  }
}
