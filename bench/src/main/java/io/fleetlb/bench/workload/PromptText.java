package io.fleetlb.bench.workload;

import java.util.List;

/**
 * Builds prompt text of an exact length from a fixed vocabulary of short words (all under 16
 * characters, so each is one vllm-sim token); the words are chosen by the seeded stream so
 * prompts differ between requests and never share an accidental prefix.
 */
public final class PromptText {
  static final List<String> VOCABULARY = List.of(
      "the", "of", "and", "to", "in", "is", "that", "for", "it", "as", "was", "with", "be", "by", "on",
      "not", "he", "this", "are", "or", "his", "from", "at", "which", "but", "have", "an", "had", "they",
      "you", "were", "their", "one", "all", "we", "can", "her", "has", "there", "been", "if", "more",
      "when", "will", "would", "who", "so", "no", "time", "river", "mountain", "garden", "window",
      "summer", "winter", "silver", "golden", "shadow", "morning", "evening", "quiet", "gentle",
      "bright", "ancient", "harbor", "meadow", "forest", "lantern", "compass", "journey", "thunder",
      "whisper", "kingdom", "orchard", "valley", "island", "castle", "bridge", "market", "library",
      "engine", "signal", "network", "packet", "router", "replica", "kernel", "buffer", "cluster",
      "tensor", "matrix", "vector", "gradient", "token", "prompt", "answer", "question", "measure",
      "balance", "latency", "energy", "program", "system", "process", "request", "response",
      "history", "science", "theory", "number", "letter", "chapter", "season", "weather", "planet",
      "ocean", "desert", "canyon", "glacier", "volcano", "feather", "pebble", "candle", "mirror",
      "ribbon", "velvet", "copper", "marble", "crystal", "thistle", "willow", "maple", "cedar",
      "falcon", "otter", "badger", "heron", "salmon", "tiger", "zebra", "violet", "amber", "scarlet",
      "indigo", "crimson", "emerald", "saffron", "cobalt", "ivory", "walk", "run", "build", "write",
      "read", "think", "carry", "follow", "gather", "listen", "travel", "wonder", "explain", "compare",
      "describe", "imagine", "remember", "consider", "discover", "improve", "observe", "prepare",
      "quickly", "slowly", "softly", "boldly", "rarely", "always", "never", "often", "perhaps",
      "together", "beneath", "between", "through", "across", "toward", "within", "without", "before",
      "after", "during", "until", "against", "among", "beyond", "careful", "curious", "patient",
      "honest", "clever", "simple", "complex", "famous", "hidden", "hollow", "narrow", "distant",
      "modern", "rustic", "silent", "steady", "sudden", "tender", "vivid", "warm", "cold", "early",
      "late", "small", "large", "young", "old", "new", "open", "closed", "first", "last", "every");

  private PromptText() {
  }

  /** {@code words} random vocabulary words separated by single spaces. */
  public static String words(int words, Rng rng) {
    StringBuilder sb = new StringBuilder(words * 7);
    appendWords(sb, words, rng);
    return sb.toString();
  }

  static void appendWords(StringBuilder sb, int words, Rng rng) {
    for (int i = 0; i < words; i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(VOCABULARY.get(rng.nextInt(VOCABULARY.size())));
    }
  }

  /** Words broken into lines of {@code perLine} words (poem-like text for the sonnet dataset). */
  public static String lines(int words, int perLine, Rng rng) {
    StringBuilder sb = new StringBuilder(words * 7);
    for (int i = 0; i < words; i++) {
      if (i > 0) {
        sb.append(i % perLine == 0 ? '\n' : ' ');
      }
      sb.append(VOCABULARY.get(rng.nextInt(VOCABULARY.size())));
    }
    return sb.toString();
  }
}
