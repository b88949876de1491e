package io.fleetlb.lb.proxy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * The router's own error bodies, in the nested OpenAI/vLLM shape
 * {@code {"error":{"message","type","param","code"}}} with {@code code} the HTTP status. Messages
 * are written by the router only: never an upstream's text, address or a stack trace.
 */
final class OpenAiError {
  private OpenAiError() {}

  /** The JSON body for an error, vLLM-style: the type named after the status, the status as code. */
  static Buffer body(int status, String message, String param) {
    return body(message, type(status), param, status);
  }

  /**
   * The JSON body for an error in OpenAI's own terms (authentication and rate limits):
   * {@code type} such as {@code invalid_request_error} or {@code requests}, {@code code} such as
   * {@code invalid_api_key} or {@code rate_limit_exceeded}.
   */
  static Buffer body(String message, String type, String param, Object code) {
    JsonObject error = new JsonObject()
        .put("message", message)
        .put("type", type)
        .put("param", param)
        .put("code", code);
    return new JsonObject().put("error", error).toBuffer();
  }

  /** The SSE event that ends a stream the router had to cut, without a {@code [DONE]} after it. */
  static Buffer sseEvent(int status, String message) {
    return Buffer.buffer("data: ").appendBuffer(body(status, message, null))
        .appendString("\n\n");
  }

  /** vLLM-style error type names by status. */
  static String type(int status) {
    return switch (status) {
      case 400 -> "BadRequestError";
      case 404 -> "NotFoundError";
      case 405 -> "MethodNotAllowedError";
      case 408 -> "RequestTimeoutError";
      case 429 -> "RateLimitError";
      case 413 -> "RequestEntityTooLargeError";
      case 414 -> "URITooLongError";
      case 431 -> "RequestHeaderFieldsTooLargeError";
      case 502 -> "BadGatewayError";
      case 503 -> "ServiceUnavailableError";
      case 504 -> "GatewayTimeoutError";
      case 505 -> "HTTPVersionNotSupportedError";
      default -> status >= 500 ? "InternalServerError" : "BadRequestError";
    };
  }
}
