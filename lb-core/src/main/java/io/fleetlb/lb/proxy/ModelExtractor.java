package io.fleetlb.lb.proxy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.fleetlb.lb.log.Reason;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * Finds the top-level {@code model} of an OpenAI request body with a streaming parse: the whole
 * body is checked to be one well-formed JSON object, but no tree is built and nothing is
 * rewritten, so the original bytes are what the replica receives.
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
   */
  record Result(String model, Reason problem, String message) {
    static Result ok(String model) {
      return new Result(model, null, null);
    }

    static Result bad(String message) {
      return new Result(null, Reason.BAD_JSON, message);
    }

    static Result noModel(String message) {
      return new Result(null, Reason.MISSING_MODEL, message);
    }
  }

  private ModelExtractor() {}

  /**
   * Extracts the model. On a duplicate {@code model} key the last one wins, as in the replica's
   * own JSON parser, so the router routes on what the replica will see.
   */
  static Result extract(Buffer body) {
    if (body.length() == 0) {
      return Result.bad("The request body is empty; expected a JSON object");
    }
    byte[] bytes = body.getBytes();
    String model = null;
    boolean present = false;
    try (JsonParser p = JSON.createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return Result.bad("The request body must be a JSON object");
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if ("model".equals(name)) {
          present = true;
          model = value == JsonToken.VALUE_STRING ? p.getText() : null;
        } else {
          p.skipChildren();
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
    if (model == null || model.isEmpty()) {
      return Result.noModel(present
          ? "you must provide a model parameter (a non-empty string)"
          : "you must provide a model parameter");
    }
    return Result.ok(model);
  }
}
