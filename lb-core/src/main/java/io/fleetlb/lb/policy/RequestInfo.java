package io.fleetlb.lb.policy;

/**
 * What the router learned about one request from its body while extracting the model, handed to
 * the policy with the candidates: enough to weigh requests by their work instead of counting them.
 * The figures are estimates from the request alone (no tokenizer); they are added to the chosen
 * replica's {@link LoadView} sums at dispatch and removed exactly once.
 *
 * @param promptTokens estimated prompt tokens, at least 0: text (chat message contents, a
 *     completion prompt) at {@link #CHARS_PER_TOKEN} characters per token plus
 *     {@link #TOKENS_PER_MESSAGE} per chat message; token-id prompts counted exactly
 * @param maxTokens the requested bound on output tokens ({@code max_completion_tokens}, else
 *     {@code max_tokens}, as vLLM reads them), 0 when the request sets none
 * @param stream whether the request asked for a streamed ({@code "stream": true}) answer; the
 *     first byte of a stream comes with its first token, the first byte of a plain answer with
 *     its last
 */
public record RequestInfo(int promptTokens, int maxTokens, boolean stream) {
  /** Characters of prompt text per estimated token: the usual figure for English BPE tokenizers. */
  public static final int CHARS_PER_TOKEN = 4;

  /** Estimated tokens a chat template adds per message (role markers, separators). */
  public static final int TOKENS_PER_MESSAGE = 4;

  /** Nothing known about the request (a policy called without a request, tests). */
  public static final RequestInfo UNKNOWN = new RequestInfo(0, 0, false);

  /** Checks the bounds. */
  public RequestInfo {
    if (promptTokens < 0 || maxTokens < 0) {
      throw new IllegalArgumentException("negative token estimate: prompt=" + promptTokens
          + " max=" + maxTokens);
    }
  }

  /**
   * The estimated tokens the request may occupy in the replica's KV cache by its end: its prompt
   * plus its output bound (only the prompt when it sets none).
   */
  public long committedTokens() {
    return (long) promptTokens + maxTokens;
  }
}
