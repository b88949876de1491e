package io.fleetlb.sim.api;

import io.fleetlb.sim.tokens.PromptBlocks;

/**
 * A validated {@code /v1/chat/completions} or {@code /v1/completions} request, reduced to what the
 * simulator needs.
 *
 * @param chat true for chat completions
 * @param model the served model name
 * @param promptTokens prompt length under the simulator's tokenizer rule
 * @param maxTokens the effective token limit (request value or vLLM's default)
 * @param minTokens {@code min_tokens}
 * @param ignoreEos {@code ignore_eos}
 * @param stream {@code stream}
 * @param includeUsage whether a streamed response ends with a usage chunk
 * @param seed {@code seed}, or {@code null}
 * @param prompt the prompt's token blocks for the prefix cache ({@code prompt.tokens() ==
 *     promptTokens})
 */
public record GenerationRequest(
    boolean chat,
    String model,
    int promptTokens,
    int maxTokens,
    int minTokens,
    boolean ignoreEos,
    boolean stream,
    boolean includeUsage,
    Long seed,
    PromptBlocks prompt) {}
