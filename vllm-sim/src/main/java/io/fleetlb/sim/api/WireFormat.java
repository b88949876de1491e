package io.fleetlb.sim.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetlb.sim.engine.MetricsVersion;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * The exact bytes vLLM's OpenAI server writes for one request: SSE chunks and non-streaming bodies.
 *
 * <p>Shapes follow vllm-facts.md section 2.3 and the real capture research/vllm-sse-sample.txt; the
 * V1 (v0.11) form adds {@code prompt_token_ids}/{@code token_ids} nulls that the V0 (v0.6.4) form
 * lacks. Token texts are vocabulary words that never need JSON escaping; the model name is escaped
 * once.
 */
final class WireFormat {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final boolean chat;
  private final boolean v1;
  private final boolean promptTokensDetails;
  private final String head;

  /** Everything of a plain token event before the token's text, and everything after it. */
  private final byte[] tokenPrefix;

  private final byte[] tokenSuffix;

  WireFormat(
      boolean chat,
      MetricsVersion version,
      String id,
      long created,
      String model,
      boolean promptTokensDetails) {
    this.chat = chat;
    this.v1 = version == MetricsVersion.V1;
    this.promptTokensDetails = promptTokensDetails;
    this.head =
        "{\"id\":\""
            + id
            + "\",\"object\":\""
            + (chat ? "chat.completion.chunk" : "text_completion")
            + "\",\"created\":"
            + created
            + ",\"model\":"
            + quote(model)
            + ",\"choices\":";
    String plain = tokenEvent("\u0000", null);
    int cut = plain.indexOf('\u0000');
    this.tokenPrefix = plain.substring(0, cut).getBytes(StandardCharsets.UTF_8);
    this.tokenSuffix = plain.substring(cut + 1).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * A plain (not last) token's event from the token's pre-encoded bytes: one copy into one array,
   * which is what keeps thousands of streams per core cheap.
   */
  Buffer tokenChunk(byte[] text) {
    byte[] out = new byte[tokenPrefix.length + text.length + tokenSuffix.length];
    System.arraycopy(tokenPrefix, 0, out, 0, tokenPrefix.length);
    System.arraycopy(text, 0, out, tokenPrefix.length, text.length);
    System.arraycopy(tokenSuffix, 0, out, tokenPrefix.length + text.length, tokenSuffix.length);
    return Buffer.buffer(out);
  }

  /** The first chat chunk, carrying the assistant role; sent with the first token. */
  Buffer roleChunk() {
    return event(
        head
            + "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,"
            + "\"finish_reason\":null}]"
            + (v1 ? ",\"prompt_token_ids\":null}" : "}"));
  }

  /** One token's chunk; {@code finish} is the finish reason on the last token, else null. */
  Buffer tokenChunk(String text, String finish) {
    return Buffer.buffer(tokenEvent(text, finish).getBytes(StandardCharsets.UTF_8));
  }

  private String tokenEvent(String text, String finish) {
    StringBuilder b = new StringBuilder(head.length() + 160).append(head).append("[{\"index\":0,");
    if (chat) {
      b.append("\"delta\":{\"content\":\"").append(text).append("\"},\"logprobs\":null,");
    } else {
      b.append("\"text\":\"").append(text).append("\",\"logprobs\":null,");
    }
    if (finish == null) {
      b.append("\"finish_reason\":null");
      b.append(chat ? "" : ",\"stop_reason\":null");
    } else {
      b.append("\"finish_reason\":\"").append(finish).append("\",\"stop_reason\":null");
    }
    if (chat && v1) {
      b.append(",\"token_ids\":null");
    }
    b.append("}]");
    if (!chat && v1) {
      b.append(",\"usage\":null");
    }
    return "data: " + b.append('}') + "\n\n";
  }

  /** The usage chunk that ends a stream when {@code stream_options.include_usage} is set. */
  Buffer usageChunk(int prompt, int completion, int cached) {
    return event(head + "[]," + usage(prompt, completion, cached, false) + "}");
  }

  /** An error inside an already started stream. */
  static Buffer errorEvent(String errorJson) {
    return event(errorJson);
  }

  static Buffer done() {
    return Buffer.buffer("data: [DONE]\n\n");
  }

  /** The whole non-streaming response body. */
  String completeBody(
      String id,
      long created,
      String model,
      String text,
      String finish,
      int prompt,
      int completion,
      int cached) {
    StringBuilder b = new StringBuilder(text.length() + 400);
    b.append("{\"id\":\"")
        .append(id)
        .append("\",\"object\":\"")
        .append(chat ? "chat.completion" : "text_completion")
        .append("\",\"created\":")
        .append(created)
        .append(",\"model\":")
        .append(quote(model))
        .append(",\"choices\":[{\"index\":0,");
    if (chat) {
      b.append("\"message\":{\"role\":\"assistant\",");
      if (v1) {
        b.append("\"reasoning_content\":null,");
      }
      b.append("\"content\":\"").append(text).append("\",\"tool_calls\":[]},");
    } else {
      b.append("\"text\":\"").append(text).append("\",");
    }
    b.append("\"logprobs\":null,\"finish_reason\":\"")
        .append(finish)
        .append("\",\"stop_reason\":null");
    if (v1) {
      b.append(",\"token_ids\":null");
    }
    b.append("}],").append(usage(prompt, completion, cached, v1));
    if (chat) {
      b.append(",\"prompt_logprobs\":null");
    }
    if (v1) {
      b.append(",\"prompt_token_ids\":null,\"kv_transfer_params\":null");
    }
    return b.append('}').toString();
  }

  /**
   * The usage object. As vLLM: {@code prompt_tokens_details} carries {@code cached_tokens} only
   * with {@code --enable-prompt-tokens-details} and a non-zero count; otherwise a streamed usage
   * chunk (serialised without unset fields) leaves it out and a V1 whole response shows it null.
   */
  private String usage(int prompt, int completion, int cached, boolean nullDetails) {
    String details;
    if (promptTokensDetails && cached > 0) {
      details = ",\"prompt_tokens_details\":{\"cached_tokens\":" + cached + "}";
    } else {
      details = nullDetails ? ",\"prompt_tokens_details\":null" : "";
    }
    return "\"usage\":{\"prompt_tokens\":"
        + prompt
        + ",\"total_tokens\":"
        + (prompt + completion)
        + ",\"completion_tokens\":"
        + completion
        + details
        + "}";
  }

  private static Buffer event(String json) {
    return Buffer.buffer(("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8));
  }

  static String quote(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
