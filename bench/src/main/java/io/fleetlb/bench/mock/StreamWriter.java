package io.fleetlb.bench.mock;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/**
 * Writes the SSE chunks of one mock response in vLLM's shapes (chat.completion.chunk or
 * text_completion), the first token carrying the assistant role so every chunk is exactly one token
 * event, the last one {@code finish_reason: "length"}, then the usage chunk and {@code [DONE]}.
 */
final class StreamWriter {
  private static final String[] WORDS = {
    " alpha", " beta", " gamma", " delta", " echo", " fox", " golf", " hotel"
  };
  private final boolean chat;
  private final String head;
  private final String object;

  StreamWriter(boolean chat, String id, long created, String model) {
    this.chat = chat;
    this.object = chat ? "chat.completion.chunk" : "text_completion";
    this.head =
        "data: {\"id\":\""
            + id
            + "\",\"object\":\""
            + object
            + "\",\"created\":"
            + created
            + ",\"model\":\""
            + new String(JsonStringEncoder.getInstance().quoteAsString(model))
            + "\",";
  }

  /** The token event for token {@code k} (0-based) of {@code n}. */
  String token(int k, int n) {
    String word = WORDS[k % WORDS.length];
    String finish = k == n - 1 ? "\"length\"" : "null";
    if (chat) {
      String delta =
          k == 0
              ? "{\"role\":\"assistant\",\"content\":\"" + word + "\"}"
              : "{\"content\":\"" + word + "\"}";
      return head
          + "\"choices\":[{\"index\":0,\"delta\":"
          + delta
          + ",\"logprobs\":null,\"finish_reason\":"
          + finish
          + "}]}\n\n";
    }
    return head
        + "\"choices\":[{\"index\":0,\"text\":\""
        + word
        + "\",\"logprobs\":null,\"finish_reason\":"
        + finish
        + ",\"stop_reason\":null}],\"usage\":null}\n\n";
  }

  /** The usage chunk (when asked for) and the [DONE] marker. */
  String tail(boolean includeUsage, int promptTokens, int completionTokens) {
    String done = "data: [DONE]\n\n";
    if (!includeUsage) {
      return done;
    }
    return head
        + "\"choices\":[],\"usage\":{\"prompt_tokens\":"
        + promptTokens
        + ",\"total_tokens\":"
        + (promptTokens + completionTokens)
        + ",\"completion_tokens\":"
        + completionTokens
        + "}}\n\n"
        + done;
  }

  /** A whole non-streaming answer. */
  static String full(boolean chat, String id, long created, String model, int n, int promptTokens) {
    StringBuilder text = new StringBuilder();
    for (int k = 0; k < n; k++) {
      text.append(WORDS[k % WORDS.length]);
    }
    String m = new String(JsonStringEncoder.getInstance().quoteAsString(model));
    String usage =
        "\"usage\":{\"prompt_tokens\":"
            + promptTokens
            + ",\"total_tokens\":"
            + (promptTokens + n)
            + ",\"completion_tokens\":"
            + n
            + "}";
    if (chat) {
      return "{\"id\":\""
          + id
          + "\",\"object\":\"chat.completion\",\"created\":"
          + created
          + ",\"model\":\""
          + m
          + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
          + text
          + "\"},\"logprobs\":null,\"finish_reason\":\"length\"}],"
          + usage
          + "}";
    }
    return "{\"id\":\""
        + id
        + "\",\"object\":\"text_completion\",\"created\":"
        + created
        + ",\"model\":\""
        + m
        + "\",\"choices\":[{\"index\":0,\"text\":\""
        + text
        + "\",\"logprobs\":null,\"finish_reason\":\"length\"}],"
        + usage
        + "}";
  }
}
