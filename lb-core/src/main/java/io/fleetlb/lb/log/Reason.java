package io.fleetlb.lb.log;

/**
 * Why a request ended the way it did: the {@code reason} field of the access log and the
 * {@code reason} label of {@code lb_requests_total}. The set is closed, so the label has a
 * bounded cardinality.
 */
public enum Reason {
  /** A response was relayed to its end (any status the replica chose) or served by the router. */
  COMPLETE("complete"),
  /** The client disconnected (logged with status 499); its upstream request was reset. */
  CLIENT_GONE("client_gone"),
  /** The client stopped reading for longer than the stream-idle timeout; both sides were cut. */
  CLIENT_STALLED("client_stalled"),
  /** No connection to the replica: refused or failed (502 when no retry was left). */
  CONNECT_FAILED("connect_failed"),
  /** No connection to the replica within the connect timeout (504 when no retry was left). */
  CONNECT_TIMEOUT("connect_timeout"),
  /** The replica closed or reset the connection before the response head (502). */
  UPSTREAM_RESET("upstream_reset"),
  /** No response head within the first-byte timeout (504); never retried. */
  FIRST_BYTE_TIMEOUT("first_byte_timeout"),
  /** The replica's connection pool and wait queue were full (503). */
  POOL_FULL("pool_full"),
  /** The replica answered with a 5xx status; its body was replaced by the router's error. */
  UPSTREAM_ERROR("upstream_error"),
  /**
   * The replica stalled or stopped answering and was ejected: an attempt that had sent nothing to
   * its client was retried elsewhere (logged when no other replica could take it), a started
   * stream ended with an error event.
   */
  REPLICA_STALLED("replica_stalled"),
  /** The replica failed after the response started; the stream ended with an error event. */
  STREAM_BROKEN("stream_broken"),
  /** The replica was silent longer than the stream-idle timeout after the response started. */
  STREAM_IDLE_TIMEOUT("stream_idle_timeout"),
  /** No replica of the model could serve (503 with Retry-After, at once). */
  NO_HEALTHY_REPLICA("no_healthy_replica"),
  /** No client key, or one the router does not know (401). */
  UNAUTHORIZED("unauthorized"),
  /** The client's key may not use the requested model (403). */
  MODEL_NOT_ALLOWED("model_not_allowed"),
  /** The client's key is over its requests or tokens per minute (429 with Retry-After). */
  RATE_LIMITED("rate_limited"),
  /** Every replica of the model was at its in-flight limit and the router's queue was full. */
  QUEUE_FULL("queue_full"),
  /** The request waited in the router's queue for {@code admission.queue.max_wait} (503). */
  QUEUE_TIMEOUT("queue_timeout"),
  /** The router was draining and refused the request (503 with Retry-After). */
  DRAINING("draining"),
  /** The request was still running when the drain timeout ended. */
  DRAIN_TIMEOUT("drain_timeout"),
  /** The body was not valid JSON or not a JSON object (400). */
  BAD_JSON("bad_json"),
  /** The body had no string {@code model} field (400). */
  MISSING_MODEL("missing_model"),
  /** No replica serves the requested model (404). */
  UNKNOWN_MODEL("unknown_model"),
  /** The body was larger than {@code limits.max_body_size} (413). */
  BODY_TOO_LARGE("body_too_large"),
  /** The body did not arrive within {@code timeouts.body_read} (408). */
  BODY_TIMEOUT("body_timeout"),
  /** The request head was larger than {@code limits.max_header_size} (431). */
  HEADERS_TOO_LARGE("headers_too_large"),
  /** The request had more than {@code limits.max_headers} header fields (431). */
  TOO_MANY_HEADERS("too_many_headers"),
  /** The request line was longer than {@code limits.max_initial_line} (414). */
  URI_TOO_LONG("uri_too_long"),
  /** The request could not be parsed as HTTP (400). */
  BAD_REQUEST("bad_request"),
  /** The request line named an HTTP version other than 1.0 and 1.1 (505). */
  UNSUPPORTED_VERSION("unsupported_version"),
  /** No such path (404). */
  NOT_FOUND("not_found"),
  /** The path exists but not for this method (405). */
  METHOD_NOT_ALLOWED("method_not_allowed");

  private final String label;

  Reason(String label) {
    this.label = label;
  }

  /** The snake_case name used in logs and metric labels. */
  public String label() {
    return label;
  }
}
