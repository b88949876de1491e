package io.fleetlb.sim.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetlb.sim.engine.MetricsVersion;
import io.fleetlb.sim.tokens.PromptBlocks;
import io.fleetlb.sim.tokens.PromptHasher;
import io.fleetlb.sim.tokens.TokenIds;
import java.io.IOException;

/**
 * Validates generation requests the way vLLM's OpenAI server does and tokenizes their prompt (the
 * length, and the block hashes the prefix cache keys on).
 *
 * <p>Messages mirror vLLM v0.11 ({@code serving_engine.py::_validate_input}, {@code SamplingParams}
 * checks, pydantic validation errors) so clients see the same errors from the simulator as from
 * vLLM.
 */
final class RequestParser {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String servedModel;
  private final int maxModelLen;
  private final MetricsVersion version;
  private final int blockSize;
  private final long seed;

  RequestParser(String servedModel, int maxModelLen, MetricsVersion version, int blockSize) {
    this.servedModel = servedModel;
    this.maxModelLen = maxModelLen;
    this.version = version;
    this.blockSize = blockSize;
    this.seed = TokenIds.modelSeed(servedModel);
  }

  GenerationRequest parse(byte[] body, boolean chat) throws ApiError.Failure {
    return parse(object(body), chat);
  }

  /**
   * Parses a body of either API, telling chat ({@code messages}) from completions ({@code prompt}).
   */
  GenerationRequest parseAny(byte[] body) throws ApiError.Failure {
    JsonNode root = object(body);
    return parse(root, root.has("messages") || !root.has("prompt"));
  }

  private static JsonNode object(byte[] body) throws ApiError.Failure {
    JsonNode root = readJson(body);
    if (!root.isObject()) {
      throw ApiError.validation(
              pydantic(
                  "model_attributes_type",
                  null,
                  "Input should be a valid dictionary or object to extract fields from"))
          .asFailure();
    }
    return root;
  }

  private GenerationRequest parse(JsonNode root, boolean chat) throws ApiError.Failure {
    String model = model(root);
    PromptBlocks prompt = chat ? chatPrompt(root) : completionPrompt(root);
    int promptTokens = prompt.tokens();
    int n = optionalInt(root, "n", 1);
    if (n != 1) {
      throw ApiError.badRequest("n=" + n + " is not supported by vllm-sim: only n=1").asFailure();
    }
    boolean stream = optionalBool(root, "stream", false);
    JsonNode streamOptions = root.get("stream_options");
    boolean hasStreamOptions = streamOptions != null && !streamOptions.isNull();
    if (hasStreamOptions && !stream) {
      throw ApiError.validation("Stream options can only be defined when `stream=True`.")
          .asFailure();
    }
    boolean includeUsage = hasStreamOptions && optionalBool(streamOptions, "include_usage", true);
    checkTemperature(root);
    Integer requested =
        chat && root.hasNonNull("max_completion_tokens")
            ? nullableInt(root, "max_completion_tokens")
            : nullableInt(root, "max_tokens");
    int minTokens = optionalInt(root, "min_tokens", 0);
    boolean ignoreEos = optionalBool(root, "ignore_eos", false);
    Long seed = seed(root);
    int maxTokens = maxTokens(chat, promptTokens, requested);
    if (minTokens < 0) {
      throw ApiError.badRequest(
              "min_tokens must be greater than or equal to 0, got " + minTokens + ".")
          .asFailure();
    }
    if (minTokens > maxTokens) {
      throw ApiError.badRequest(
              "min_tokens must be less than or equal to max_tokens="
                  + maxTokens
                  + ", got "
                  + minTokens
                  + ".")
          .asFailure();
    }
    return new GenerationRequest(
        chat,
        model,
        promptTokens,
        maxTokens,
        minTokens,
        ignoreEos,
        stream,
        includeUsage,
        seed,
        prompt);
  }

  private static JsonNode readJson(byte[] body) throws ApiError.Failure {
    try {
      JsonNode root = JSON.readTree(body);
      if (root == null) {
        throw ApiError.validation(pydantic("json_invalid", "0", "JSON decode error")).asFailure();
      }
      return root;
    } catch (JsonProcessingException e) {
      long offset = e.getLocation() == null ? 0 : Math.max(0, e.getLocation().getCharOffset());
      throw ApiError.validation(
              "[{'type': 'json_invalid', 'loc': ('body', "
                  + offset
                  + "), 'msg': 'JSON decode error', 'ctx': {'error': '"
                  + e.getOriginalMessage().replace('\'', '"')
                  + "'}}]")
          .asFailure();
    } catch (IOException e) {
      throw ApiError.validation(pydantic("json_invalid", "0", "JSON decode error")).asFailure();
    }
  }

  private String model(JsonNode root) throws ApiError.Failure {
    JsonNode m = root.get("model");
    if (m == null || m.isNull()) {
      if (version == MetricsVersion.V0) {
        throw ApiError.validation(pydantic("missing", "model", "Field required")).asFailure();
      }
      return servedModel; // V1: an absent model means the first served model
    }
    if (!m.isTextual()) {
      throw ApiError.validation(pydantic("string_type", "model", "Input should be a valid string"))
          .asFailure();
    }
    if (!m.asText().equals(servedModel)) {
      throw new ApiError(404, "NotFoundError", "The model `" + m.asText() + "` does not exist.")
          .asFailure();
    }
    return servedModel;
  }

  private PromptBlocks chatPrompt(JsonNode root) throws ApiError.Failure {
    JsonNode messages = root.get("messages");
    if (messages == null) {
      throw ApiError.validation(pydantic("missing", "messages", "Field required")).asFailure();
    }
    if (!messages.isArray()) {
      throw ApiError.validation(pydantic("list_type", "messages", "Input should be a valid list"))
          .asFailure();
    }
    PromptHasher tokens = new PromptHasher(seed, blockSize).add(TokenIds.BOS);
    for (int i = 0; i < messages.size(); i++) {
      JsonNode msg = messages.get(i);
      if (!msg.isObject() || !msg.hasNonNull("role") || !msg.get("role").isTextual()) {
        throw ApiError.validation(
                pydantic("missing", "messages', " + i + ", 'role", "Field required"))
            .asFailure();
      }
      tokens.addMessage(msg.get("role").asText(), content(msg.get("content"), i));
    }
    return tokens.addGenerationPrompt().build();
  }

  private static String content(JsonNode content, int index) throws ApiError.Failure {
    if (content == null || content.isNull()) {
      return "";
    }
    if (content.isTextual()) {
      return content.asText();
    }
    if (content.isArray()) {
      StringBuilder text = new StringBuilder();
      for (JsonNode part : content) {
        if (part.isObject()
            && "text".equals(part.path("type").asText())
            && part.path("text").isTextual()) {
          text.append(text.length() == 0 ? "" : " ").append(part.get("text").asText());
        } else {
          throw ApiError.badRequest(
                  "vllm-sim supports only text content parts (message " + index + ")")
              .asFailure();
        }
      }
      return text.toString();
    }
    throw ApiError.validation(
            pydantic(
                "string_type",
                "messages', " + index + ", 'content",
                "Input should be a valid string"))
        .asFailure();
  }

  private PromptBlocks completionPrompt(JsonNode root) throws ApiError.Failure {
    JsonNode prompt = root.get("prompt");
    if (prompt == null || prompt.isNull()) {
      throw ApiError.validation(pydantic("missing", "prompt", "Field required")).asFailure();
    }
    PromptHasher tokens = new PromptHasher(seed, blockSize);
    if (prompt.isTextual()) {
      return tokens.add(TokenIds.BOS).addText(prompt.asText()).build();
    }
    if (prompt.isArray() && prompt.size() > 0 && prompt.get(0).isIntegralNumber()) {
      for (JsonNode id : prompt) {
        tokens.add(id.asLong()); // token ids are taken as they are, as vLLM does (no BOS added)
      }
      return tokens.build();
    }
    if (prompt.isArray() && prompt.size() == 1 && prompt.get(0).isTextual()) {
      return tokens.add(TokenIds.BOS).addText(prompt.get(0).asText()).build();
    }
    throw ApiError.badRequest("vllm-sim supports a single prompt (a string or a list of token ids)")
        .asFailure();
  }

  private int maxTokens(boolean chat, int promptTokens, Integer requested) throws ApiError.Failure {
    String suffix = chat ? " None" : "";
    if (promptTokens >= maxModelLen) {
      throw ApiError.badRequest(
              "This model's maximum context length is "
                  + maxModelLen
                  + " tokens. However,"
                  + " your request has "
                  + promptTokens
                  + " input tokens. Please reduce the length of the input messages."
                  + suffix)
          .asFailure();
    }
    if (requested == null) {
      return chat ? maxModelLen - promptTokens : Math.min(16, maxModelLen - promptTokens);
    }
    if (requested < 1) {
      throw ApiError.badRequest("max_tokens must be at least 1, got " + requested + ".")
          .asFailure();
    }
    if ((long) promptTokens + requested > maxModelLen) {
      throw ApiError.badRequest(
              "'max_tokens' or 'max_completion_tokens' is too large: "
                  + requested
                  + ". This"
                  + " model's maximum context length is "
                  + maxModelLen
                  + " tokens and your request has "
                  + promptTokens
                  + " input tokens ("
                  + requested
                  + " > "
                  + maxModelLen
                  + " - "
                  + promptTokens
                  + ")."
                  + suffix)
          .asFailure();
    }
    return requested;
  }

  private static void checkTemperature(JsonNode root) throws ApiError.Failure {
    JsonNode t = root.get("temperature");
    if (t == null || t.isNull()) {
      return;
    }
    if (!t.isNumber()) {
      throw ApiError.validation(
              pydantic("float_parsing", "temperature", "Input should be a valid number"))
          .asFailure();
    }
    if (t.asDouble() < 0) {
      throw ApiError.badRequest("temperature must be non-negative, got " + t.asDouble() + ".")
          .asFailure();
    }
  }

  private static Long seed(JsonNode root) throws ApiError.Failure {
    JsonNode v = root.get("seed");
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw ApiError.validation(pydantic("int_type", "seed", "Input should be a valid integer"))
          .asFailure();
    }
    return v.asLong();
  }

  private static Integer nullableInt(JsonNode root, String field) throws ApiError.Failure {
    return root.hasNonNull(field) ? optionalInt(root, field, 0) : null;
  }

  private static int optionalInt(JsonNode root, String field, int fallback)
      throws ApiError.Failure {
    JsonNode v = root.get(field);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw ApiError.validation(pydantic("int_type", field, "Input should be a valid integer"))
          .asFailure();
    }
    return v.asInt();
  }

  private static boolean optionalBool(JsonNode root, String field, boolean fallback)
      throws ApiError.Failure {
    JsonNode v = root.get(field);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isBoolean()) {
      throw ApiError.validation(pydantic("bool_type", field, "Input should be a valid boolean"))
          .asFailure();
    }
    return v.asBoolean();
  }

  /** A message shaped like FastAPI's {@code str(RequestValidationError)} as vLLM forwards it. */
  private static String pydantic(String type, String field, String msg) {
    String loc = field == null ? "('body',)" : "('body', '" + field + "')";
    return "[{'type': '" + type + "', 'loc': " + loc + ", 'msg': '" + msg + "'}]";
  }
}
