package io.fleetlb.bench.workload;

import java.util.ArrayList;
import java.util.List;

/**
 * vLLM's {@code prefix_repetition} dataset in words: {@code num_prefixes} random prefixes of {@code
 * prefix_len} tokens, each followed by {@code num_prompts / num_prefixes} (integer division) random
 * suffixes of {@code suffix_len} tokens, all asking for {@code output_len} tokens, then shuffled.
 * As in vLLM ({@code PrefixRepetitionRandomDataset}, vllm-project/vllm {@code
 * vllm/benchmarks/datasets.py} at commit f2e97ddaf5902a9727f48b70d001b6117b8b8b12: defaults 256,
 * 256, 10, 128; prompts per prefix {@code num_requests // num_prefixes}, an error when that is 0;
 * prefix then its suffixes drawn in order from one seeded stream; {@code random.shuffle} of the
 * list), so {@code --num-prompts} not divisible by the prefix count yields fewer requests. Text
 * instead of token ids: each word is one vllm-sim token, and requests sharing a prefix share its
 * exact text.
 */
public final class PrefixRepetitionDataset {
  private PrefixRepetitionDataset() {}

  /** The prompts in the order they are sent, and which prefix each one starts with. */
  public record Samples(List<PromptSample> prompts, int[] prefixOf, int promptsPerPrefix) {}

  public static Samples make(
      WorkloadSettings.PrefixRepetitionSettings p, int numPrompts, long seed) {
    int perPrefix = numPrompts / p.numPrefixes();
    if (perPrefix == 0) {
      throw new IllegalArgumentException(
          "--num-prompts ("
              + numPrompts
              + ") must be >= --prefix-repetition-num-prefixes ("
              + p.numPrefixes()
              + ")");
    }
    Rng text = new Rng(seed, "text");
    List<PromptSample> prompts = new ArrayList<>(perPrefix * p.numPrefixes());
    List<Integer> prefixOf = new ArrayList<>(perPrefix * p.numPrefixes());
    for (int k = 0; k < p.numPrefixes(); k++) {
      String prefix = PromptText.words(p.prefixLen(), text);
      for (int j = 0; j < perPrefix; j++) {
        String suffix = PromptText.words(p.suffixLen(), text);
        String prompt =
            prefix.isEmpty() ? suffix : suffix.isEmpty() ? prefix : prefix + " " + suffix;
        prompts.add(new PromptSample(prompt, p.prefixLen() + p.suffixLen(), p.outputLen(), null));
        prefixOf.add(k);
      }
    }
    // Python's random.shuffle: for i from the end, swap with a uniform j in [0, i]
    Rng shuffle = new Rng(seed, "prefix-repetition-shuffle");
    for (int i = prompts.size() - 1; i > 0; i--) {
      int j = shuffle.nextInt(i + 1);
      prompts.set(i, prompts.set(j, prompts.get(i)));
      prefixOf.set(i, prefixOf.set(j, prefixOf.get(i)));
    }
    return new Samples(prompts, prefixOf.stream().mapToInt(Integer::intValue).toArray(), perPrefix);
  }
}
