package io.fleetlb.bench.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * The body of a non-200 answer, kept up to 64 KiB, reduced to its message: the OpenAI error JSON's
 * {@code error.message} (vLLM's nested or flat form) or the start of the raw text.
 */
final class ErrorBody {
  private static final int LIMIT = 64 * 1024;
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final Buffer buf = Buffer.buffer();

  void append(Buffer chunk) {
    if (buf.length() < LIMIT) {
      buf.appendBuffer(chunk, 0, Math.min(chunk.length(), LIMIT - buf.length()));
    }
  }

  String message() {
    return message(buf.getBytes());
  }

  static String message(byte[] bytes) {
    try {
      JsonNode n = MAPPER.readTree(bytes);
      if (n != null) {
        JsonNode err = n.path("error");
        if (err.isObject() && err.path("message").isTextual()) {
          return err.path("message").asText();
        }
        if (err.isTextual()) {
          return err.asText();
        }
        if ("error".equals(n.path("object").asText()) && n.path("message").isTextual()) {
          return n.path("message").asText();
        }
      }
    } catch (java.io.IOException notJson) {
      // fall through to the raw text
    }
    String text = new String(bytes, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
    if (text.isEmpty()) {
      return "(empty body)";
    }
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }
}
