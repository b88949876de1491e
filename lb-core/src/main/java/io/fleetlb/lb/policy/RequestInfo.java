package io.fleetlb.lb.policy;

import io.vertx.core.buffer.Buffer;

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
 * @param prompt the prompt as canonical text, only for a policy that asks for it
 *     ({@link RoutingPolicy#needsPromptText}), else empty: each chat message as its role,
 *     {@link #ROLE_END}, its text (a string content, or its text parts joined) and
 *     {@link #MESSAGE_END}, in order; a completion prompt as is (each string of a batch followed by
 *     {@link #MESSAGE_END}; token ids as decimal numbers, each followed by a comma). Equal prompt
 *     prefixes give equal text prefixes, whatever the JSON's key order or whitespace
 * @param body the request body exactly as the client sent it and the replica receives it
 *     (read-only), or null when the router has none (a policy called without a request, tests)
 */
public record RequestInfo(int promptTokens, int maxTokens, boolean stream, String prompt,
    Buffer body) {
  /** Characters of prompt text per estimated token: the usual figure for English BPE tokenizers. */
  public static final int CHARS_PER_TOKEN = 4;

  /** Estimated tokens a chat template adds per message (role markers, separators). */
  public static final int TOKENS_PER_MESSAGE = 4;

  /** Ends a chat message's role in {@link #prompt} (ASCII unit separator). */
  public static final char ROLE_END = '\u001f';

  /** Ends a chat message (or a batch prompt's string) in {@link #prompt} (ASCII RS). */
  public static final char MESSAGE_END = '\u001e';

  /** Nothing known about the request (a policy called without a request, tests). */
  public static final RequestInfo UNKNOWN = new RequestInfo(0, 0, false);

  /** Checks the bounds; a null prompt is empty. */
  public RequestInfo {
    if (promptTokens < 0 || maxTokens < 0) {
      throw new IllegalArgumentException("negative token estimate: prompt=" + promptTokens
          + " max=" + maxTokens);
    }
    prompt = prompt == null ? "" : prompt;
  }

  /** The sizes alone: no prompt text, no body. */
  public RequestInfo(int promptTokens, int maxTokens, boolean stream) {
    this(promptTokens, maxTokens, stream, "", null);
  }

  /** The same request with its body attached. */
  public RequestInfo withBody(Buffer body) {
    return new RequestInfo(promptTokens, maxTokens, stream, prompt, body);
  }

  /**
   * The estimated tokens the request may occupy in the replica's KV cache by its end: its prompt
   * plus its output bound (only the prompt when it sets none).
   */
  public long committedTokens() {
    return (long) promptTokens + maxTokens;
  }
}
