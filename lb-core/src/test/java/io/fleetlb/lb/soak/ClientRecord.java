package io.fleetlb.lb.soak;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * What the client saw of one request: the answer's status and replica, the stream's events (output
 * tokens, the finish, the usage count, {@code [DONE]}, an error event) and when things happened,
 * in microseconds since the epoch (the clock the replicas' request logs use). Written on the
 * client's event loop, read after the run.
 */
final class ClientRecord {
  final TrafficPlan.Request plan;
  final String router;
  final String requestId;
  final long scheduledUs;
  long sentUs = -1;
  long headUs = -1;
  long firstTokenUs = -1;
  long endUs = -1;
  /** When the client disconnected on purpose (-1: it did not). */
  long cancelledUs = -1;
  int status = -1;
  String replica;
  int tokens;
  int usageTokens = -1;
  boolean finishSeen;
  boolean done;
  /** An SSE error event's code or an error answer's code (else its type). */
  String error;
  String errorMessage;
  String transportError;
  boolean timedOut;
  boolean malformed;

  ClientRecord(TrafficPlan.Request plan, String router, String requestId, long scheduledUs) {
    this.plan = plan;
    this.router = router;
    this.requestId = requestId;
    this.scheduledUs = scheduledUs;
  }

  static long nowUs() {
    return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
  }

  boolean cancelled() {
    return cancelledUs >= 0;
  }

  /** A whole streamed answer: 200, every token, the finish, the usage count and [DONE]. */
  boolean complete() {
    return status == 200 && done && finishSeen && error == null && transportError == null
        && !malformed && usageTokens == tokens;
  }

  JsonObject toJson() {
    return new JsonObject().put("id", requestId).put("kind", plan.kind().name().toLowerCase())
        .put("model", plan.model()).put("key", plan.key()).put("scheduled_us", scheduledUs)
        .put("sent_us", sentUs).put("head_us", headUs).put("first_token_us", firstTokenUs)
        .put("end_us", endUs).put("cancelled_us", cancelledUs).put("status", status)
        .put("replica", replica).put("tokens", tokens).put("usage_tokens", usageTokens)
        .put("finish", finishSeen).put("done", done).put("error", error)
        .put("error_message", errorMessage).put("transport_error", transportError)
        .put("timed_out", timedOut).put("malformed", malformed);
  }
}
