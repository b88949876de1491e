package io.fleetlb.bench.workload;

/**
 * One prompt before it becomes a request: its text, its input length in vllm-sim tokens ({@link
 * SimTokens}), the output length to ask for, and its request class (null when none).
 */
public record PromptSample(String text, int inputTokens, int outputTokens, String className) {}
