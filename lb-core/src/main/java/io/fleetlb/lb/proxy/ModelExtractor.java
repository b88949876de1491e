package io.fleetlb.lb.proxy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.fleetlb.lb.log.Reason;
import io.fleetlb.lb.policy.RequestInfo;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.IOException;

/**
 * Finds the top-level {@code model} of an OpenAI request body with a streaming parse: the whole
 * body is checked to be one well-formed JSON object, but no tree is built and nothing is
 * rewritten, so the original bytes are what the replica receives. The same pass estimates the
 * request's size for the policy ({@link RequestInfo}): the length of the prompt text (chat
 * message contents and text parts, or a completion prompt), token-id prompts, the output bound
 * and the streaming flag; for a policy that reads it, also the prompt as canonical text
 * ({@link RequestInfo#prompt}). Any other shape is skipped, never refused: the replica validates.
 */
final class ModelExtractor {
  private static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxStringLength(Integer.MAX_VALUE).maxNestingDepth(200).build())
      .build();

  /**
   * What the body says: a model, or why it has none.
   *
   * @param model the model, null when {@code problem} is set
   * @param problem {@link Reason#BAD_JSON} or {@link Reason#MISSING_MODEL}, null when ok
   * @param message the client-facing explanation of the problem
   * @param info the request's estimated size, {@link RequestInfo#UNKNOWN} with a problem
   */
  record Result(String model, Reason problem, String message, RequestInfo info) {
    static Result ok(String model, RequestInfo info) {
      return new Result(model, null, null, info);
    }

    static Result bad(String message) {
      return new Result(null, Reason.BAD_JSON, message, RequestInfo.UNKNOWN);
    }

    static Result noModel(String message) {
      return new Result(null, Reason.MISSING_MODEL, message, RequestInfo.UNKNOWN);
    }
  }

  /** The size facts gathered during the pass; duplicate keys: the last one wins, as for model. */
  private static final class Size {
    long chars;
    long tokenIds;
    long messages;
    long maxTokens = -1;
    long maxCompletionTokens = -1;
    boolean stream;
    /** The canonical prompt text, null when not asked for. */
    final StringBuilder text;

    Size(boolean promptText) {
      text = promptText ? new StringBuilder(256) : null;
    }

    void appendText(JsonParser p) throws IOException {
      if (text != null) {
        text.append(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
      }
    }

    void append(char c) {
      if (text != null) {
        text.append(c);
      }
    }

    void resetText() {
      if (text != null) {
        text.setLength(0);
      }
    }

    RequestInfo info() {
      long prompt = (chars + RequestInfo.CHARS_PER_TOKEN - 1) / RequestInfo.CHARS_PER_TOKEN
          + tokenIds + messages * RequestInfo.TOKENS_PER_MESSAGE;
      // vLLM: max_completion_tokens, when set, wins over the deprecated max_tokens.
      long max = maxCompletionTokens >= 0 ? maxCompletionTokens : Math.max(0, maxTokens);
      return new RequestInfo((int) Math.min(prompt, Integer.MAX_VALUE),
          (int) Math.min(max, Integer.MAX_VALUE), stream, text == null ? "" : text.toString(),
          null);
    }
  }

  private ModelExtractor() {}

  /**
   * Extracts the model. On a duplicate {@code model} key the last one wins, as in the replica's
   * own JSON parser, so the router routes on what the replica will see.
   */
  static Result extract(Buffer body) {
    return extract(body, false);
  }

  /**
   * Extracts the model; with {@code promptText} the result's {@link RequestInfo#prompt} holds the
   * prompt as canonical text.
   */
  static Result extract(Buffer body, boolean promptText) {
    if (body.length() == 0) {
      return Result.bad("The request body is empty; expected a JSON object");
    }
    // parsed in place: the body's own array when it has one (a prompt can be megabytes)
    ByteBuf buf = ((BufferInternal) body).getByteBuf();
    byte[] bytes;
    int offset;
    if (buf.hasArray()) {
      bytes = buf.array();
      offset = buf.arrayOffset() + buf.readerIndex();
    } else {
      bytes = body.getBytes();
      offset = 0;
    }
    int length = buf.readableBytes();
    String model = null;
    boolean present = false;
    String wrongType = null;
    Size size = new Size(promptText);
    try (JsonParser p = JSON.createParser(bytes, offset, length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return Result.bad("The request body must be a JSON object");
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        switch (name) {
          case "model" -> {
            present = true;
            model = value == JsonToken.VALUE_STRING ? p.getText() : null;
            wrongType = model == null ? typeName(value) : null;
            p.skipChildren();
          }
          case "messages" -> messages(p, value, size);
          case "prompt" -> prompt(p, value, size);
          case "max_tokens" -> size.maxTokens = bound(p, value);
          case "max_completion_tokens" -> size.maxCompletionTokens = bound(p, value);
          case "stream" -> size.stream = value == JsonToken.VALUE_TRUE;
          default -> p.skipChildren();
        }
      }
      if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
        return Result.bad("The request body is not valid JSON: unexpected content after the object");
      }
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      return Result.bad("The request body is not valid JSON"
          + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
    } catch (IOException e) {
      return Result.bad("The request body is not valid JSON");
    }
    if (wrongType != null) {
      return Result.noModel("The `model` parameter must be a string naming the model (got "
          + wrongType + ")");
    }
    if (model == null || model.isEmpty()) {
      return Result.noModel(present
          ? "you must provide a model parameter (a non-empty string)"
          : "you must provide a model parameter");
    }
    return Result.ok(model, size.info());
  }

  /** The JSON type of a value as a client would name it; null for {@code null} (same as absent). */
  private static String typeName(JsonToken value) {
    return switch (value) {
      case START_ARRAY -> "an array";
      case START_OBJECT -> "an object";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      default -> null;
    };
  }

  /** Chat messages: the text of each {@code content}, a string or a list of text parts. */
  private static void messages(JsonParser p, JsonToken value, Size size) throws IOException {
    size.chars = 0;
    size.messages = 0;
    size.resetText();
    if (value != JsonToken.START_ARRAY) {
      p.skipChildren();
      return;
    }
    JsonToken m;
    while ((m = p.nextToken()) != JsonToken.END_ARRAY && m != null) {
      if (m != JsonToken.START_OBJECT) {
        p.skipChildren();
        continue;
      }
      size.messages++;
      int start = size.text == null ? 0 : size.text.length();
      String role = null;
      boolean roleWritten = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        boolean content = "content".equals(field);
        JsonToken v = p.nextToken();
        if (content && v == JsonToken.VALUE_STRING) {
          size.chars += p.getTextLength();
          size.appendText(p);
        } else if (content && v == JsonToken.START_ARRAY) {
          textParts(p, size);
        } else if ("role".equals(field) && v == JsonToken.VALUE_STRING && size.text != null) {
          role = p.getText();
          // Usually the role comes first: written in place, nothing to move later.
          if (size.text.length() == start) {
            size.text.append(role).append(RequestInfo.ROLE_END);
            roleWritten = true;
          }
        } else {
          p.skipChildren();
        }
      }
      if (size.text != null) {
        if (!roleWritten) {
          size.text.insert(start, RequestInfo.ROLE_END).insert(start, role == null ? "" : role);
        }
        size.text.append(RequestInfo.MESSAGE_END);
      }
    }
  }

  /** Content parts: the {@code text} of each part (images and other parts are skipped). */
  private static void textParts(JsonParser p, Size size) throws IOException {
    JsonToken part;
    while ((part = p.nextToken()) != JsonToken.END_ARRAY && part != null) {
      if (part == JsonToken.VALUE_STRING) {
        size.chars += p.getTextLength();
        size.appendText(p);
        continue;
      }
      if (part != JsonToken.START_OBJECT) {
        p.skipChildren();
        continue;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        boolean text = "text".equals(p.currentName());
        if (p.nextToken() == JsonToken.VALUE_STRING && text) {
          size.chars += p.getTextLength();
          size.appendText(p);
        } else {
          p.skipChildren();
        }
      }
    }
  }

  /**
   * A completion prompt: a string, a list of strings (a batch), a list of token ids, or a list
   * of token-id lists.
   */
  private static void prompt(JsonParser p, JsonToken value, Size size) throws IOException {
    size.chars = 0;
    size.tokenIds = 0;
    size.resetText();
    if (value == JsonToken.VALUE_STRING) {
      size.chars = p.getTextLength();
      size.appendText(p);
      return;
    }
    if (value != JsonToken.START_ARRAY) {
      p.skipChildren();
      return;
    }
    JsonToken e;
    while ((e = p.nextToken()) != JsonToken.END_ARRAY && e != null) {
      if (e == JsonToken.VALUE_STRING) {
        size.chars += p.getTextLength();
        size.appendText(p);
        size.append(RequestInfo.MESSAGE_END);
      } else if (e == JsonToken.VALUE_NUMBER_INT) {
        size.tokenIds++;
        tokenId(p, size);
      } else if (e == JsonToken.START_ARRAY) {
        JsonToken id;
        while ((id = p.nextToken()) != JsonToken.END_ARRAY && id != null) {
          if (id == JsonToken.VALUE_NUMBER_INT) {
            size.tokenIds++;
            tokenId(p, size);
          } else {
            p.skipChildren();
          }
        }
        size.append(RequestInfo.MESSAGE_END);
      } else {
        p.skipChildren();
      }
    }
  }

  /** A token id of a prompt, as its decimal text and a comma. */
  private static void tokenId(JsonParser p, Size size) throws IOException {
    if (size.text != null) {
      size.appendText(p);
      size.text.append(',');
    }
  }

  /** An output bound: a whole number (clamped at 0 and int range), anything else ignored. */
  private static long bound(JsonParser p, JsonToken value) throws IOException {
    if (value != JsonToken.VALUE_NUMBER_INT) {
      p.skipChildren();
      return -1;
    }
    if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      return p.getBigIntegerValue().signum() < 0 ? 0 : Integer.MAX_VALUE;
    }
    return Math.max(0, p.getLongValue());
  }
}
