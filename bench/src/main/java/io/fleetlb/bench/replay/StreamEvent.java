package io.fleetlb.bench.replay;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * What one SSE data message of an OpenAI-compatible stream means to the benchmark, classified as
 * vLLM's client does: a token event is a JSON object with a non-empty {@code choices} array (even
 * if its text is empty); {@code usage} carries the token counts; {@code error} (vLLM's nested or
 * flat error JSON) fails the request; {@code [DONE]} ends the stream. Parsed with a streaming
 * parser, without building a tree, because it runs for every token.
 */
public record StreamEvent(
    boolean done,
    boolean token,
    int promptTokens,
    int completionTokens,
    String error,
    boolean invalid) {
  private static final JsonFactory JSON = new JsonFactory();
  private static final StreamEvent DONE = new StreamEvent(true, false, -1, -1, null, false);
  private static final byte[] DONE_BYTES =
      "[DONE]".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  public boolean hasUsage() {
    return completionTokens >= 0 || promptTokens >= 0;
  }

  public static StreamEvent classify(byte[] data, int len) {
    if (len == DONE_BYTES.length && java.util.Arrays.equals(data, 0, len, DONE_BYTES, 0, len)) {
      return DONE;
    }
    boolean token = false;
    int prompt = -1;
    int completion = -1;
    String error = null;
    boolean flatError = false;
    String flatMessage = null;
    try (JsonParser p = JSON.createParser(data, 0, len)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return invalid("an SSE data message is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        switch (name) {
          case "choices":
            if (t == JsonToken.START_ARRAY) {
              token = p.nextToken() != JsonToken.END_ARRAY;
              if (token) {
                p.skipChildren();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                  p.skipChildren();
                }
              }
            }
            break;
          case "usage":
            if (t == JsonToken.START_OBJECT) {
              while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken v = p.nextToken();
                if (v == JsonToken.VALUE_NUMBER_INT && f.equals("prompt_tokens")) {
                  prompt = p.getIntValue();
                } else if (v == JsonToken.VALUE_NUMBER_INT && f.equals("completion_tokens")) {
                  completion = p.getIntValue();
                } else {
                  p.skipChildren();
                }
              }
            }
            break;
          case "error":
            error =
                t == JsonToken.START_OBJECT
                    ? errorMessage(p)
                    : t == JsonToken.VALUE_NULL ? null : p.getText();
            if (t == JsonToken.START_ARRAY) {
              p.skipChildren();
            }
            break;
          case "object":
            flatError = t == JsonToken.VALUE_STRING && "error".equals(p.getText());
            break;
          case "message":
            flatMessage = t == JsonToken.VALUE_STRING ? p.getText() : null;
            p.skipChildren();
            break;
          default:
            p.skipChildren();
        }
      }
    } catch (IOException e) {
      return invalid(
          "invalid JSON in an SSE data message: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (error == null && flatError) {
      error = flatMessage == null ? "error object in stream" : flatMessage;
    }
    return new StreamEvent(false, token && error == null, prompt, completion, error, false);
  }

  private static String errorMessage(JsonParser p) throws IOException {
    String message = null;
    String code = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      JsonToken v = p.nextToken();
      if (f.equals("message") && v == JsonToken.VALUE_STRING) {
        message = p.getText();
      } else if (f.equals("code") && v.isScalarValue() && v != JsonToken.VALUE_NULL) {
        code = p.getText();
      } else {
        p.skipChildren();
      }
    }
    String m = message == null ? "error object in stream" : message;
    return code == null ? m : m + " (code " + code + ")";
  }

  private static StreamEvent invalid(String why) {
    return new StreamEvent(false, false, -1, -1, why, true);
  }
}
