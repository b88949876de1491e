package io.fleetlb.bench.workload;

import java.util.HashMap;
import java.util.Map;

/**
 * The shared system prompts of the request classes: class {@code c} with {@code
 * system_prompt_tokens: N} and {@code system_prompts: K} has K fixed prompts of N words, each from
 * its own seeded stream (so it does not depend on the other classes or on the request order), and
 * each request of the class starts with one of them, chosen uniformly.
 */
final class SystemPrompts {
  private final long seed;
  private final Rng choice;
  private final Map<String, String> texts = new HashMap<>();

  SystemPrompts(long seed) {
    this.seed = seed;
    this.choice = new Rng(seed, "system-prompts");
  }

  /** The system prompt for one request of class {@code rc}, or null when the class has none. */
  String pick(RequestClass rc) {
    if (rc == null || rc.systemPromptTokens() == 0) {
      return null;
    }
    int k = rc.systemPrompts() == 1 ? 0 : choice.nextInt(rc.systemPrompts());
    return texts.computeIfAbsent(
        rc.name() + "/" + rc.systemPromptTokens() + "/" + k,
        key -> PromptText.words(rc.systemPromptTokens(), new Rng(seed, "system-prompt/" + key)));
  }
}
