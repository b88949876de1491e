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

  /** One chat message: its role (system, user, assistant) and text. */
  public record Message(String role, String content) {}

  /** The body bytes for one request. */
  public byte[] body(String model, String prompt, int maxTokens, long seed) {
    return body(model, null, prompt, maxTokens, seed);
  }

  /**
   * The body bytes for one request that starts with a system prompt (none when null): a system
   * message before the user's for chat, the system text and a newline before the prompt for
   * completions.
   */
  public byte[] body(String model, String system, String prompt, int maxTokens, long seed) {
    if (chat) {
      Message user = new Message("user", prompt);
      return chatBody(
          model,
          system == null
              ? java.util.List.of(user)
              : java.util.List.of(new Message("system", system), user),
          maxTokens,
          seed);
    }
    ObjectNode o = MAPPER.createObjectNode();
    o.put("model", model);
    o.put("prompt", system == null ? prompt : system + "\n" + prompt);
    o.put("max_tokens", maxTokens);
    return finish(o, seed);
  }

  /** The chat body of a whole conversation so far (a turn of a session). */
  public byte[] chatBody(String model, java.util.List<Message> messages, int maxTokens, long seed) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("model", model);
    var array = o.putArray("messages");
    for (Message m : messages) {
      ObjectNode msg = array.addObject();
      msg.put("role", m.role());
      msg.put("content", m.content());
    }
    o.put("max_completion_tokens", maxTokens);
    return finish(o, seed);
  }

  private byte[] finish(ObjectNode o, long seed) {
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
