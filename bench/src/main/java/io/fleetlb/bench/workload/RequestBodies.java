package io.fleetlb.bench.workload;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Writes the exact request bodies vLLM's benchmark client sends: always streaming with {@code
 * stream_options.include_usage}, {@code max_completion_tokens} for chat and {@code max_tokens} for
 * completions, {@code ignore_eos} when asked, a per-request {@code seed}, then the optional
 * sampling fields and {@code --extra-body} (which overrides, as in vLLM).
 */
public final class RequestBodies {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final boolean chat;
  private final WorkloadSettings.SamplingSettings sampling;
  private final ObjectNode extra;

  public RequestBodies(boolean chat, WorkloadSettings.SamplingSettings sampling) {
    this.chat = chat;
    this.sampling = sampling;
    this.extra = parseExtra(sampling.extraBody());
  }

  /** Parses {@code --extra-body}; the message names the problem. */
  public static ObjectNode parseExtra(String json) {
    if (json == null || json.isBlank()) {
      return null;
    }
    try {
      var node = MAPPER.readTree(json);
      if (!(node instanceof ObjectNode)) {
        throw new IllegalArgumentException("--extra-body must be a JSON object, got: " + json);
      }
      return (ObjectNode) node;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "--extra-body is not valid JSON: " + e.getOriginalMessage());
    }
  }

  /** The body bytes for one request. */
  public byte[] body(String model, String prompt, int maxTokens, long seed) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("model", model);
    if (chat) {
      ObjectNode msg = o.putArray("messages").addObject();
      msg.put("role", "user");
      msg.put("content", prompt);
      o.put("max_completion_tokens", maxTokens);
    } else {
      o.put("prompt", prompt);
      o.put("max_tokens", maxTokens);
    }
    o.put("stream", true);
    o.putObject("stream_options").put("include_usage", true);
    if (sampling.ignoreEos()) {
      o.put("ignore_eos", true);
    }
    o.put("seed", seed);
    if (sampling.temperature() != null) {
      o.put("temperature", sampling.temperature());
    }
    if (sampling.topP() != null) {
      o.put("top_p", sampling.topP());
    }
    if (sampling.topK() != null) {
      o.put("top_k", sampling.topK());
    }
    if (extra != null) {
      o.setAll(extra);
    }
    try {
      return MAPPER.writeValueAsBytes(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
