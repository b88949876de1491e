package io.fleetlb.results;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * One request of one run, one line of {@code RESULT.requests.jsonl}: its outcome, every timestamp
 * (nanoseconds from the run's zero, -1 when the event did not happen), the per-request latencies in
 * milliseconds (null when failed; {@code tpot_ms} null with at most one output token), token counts
 * (-1 when the server sent no usage) and its inter-token gaps. A turn of a multi-turn session also
 * carries its {@code session_id} and {@code turn_index} (absent otherwise, so older files read as
 * before); for a turn after the first, {@code scheduled_ns} is when it became due (its previous
 * turn's {@code done_ns} plus the think time).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({
  "index",
  "model",
  "className",
  "replica",
  "success",
  "status",
  "error",
  "scheduledNs",
  "arrivalNs",
  "startNs",
  "sentNs",
  "firstTokenNs",
  "lastTokenNs",
  "doneNs",
  "ttftMs",
  "e2elMs",
  "tpotMs",
  "ttftIntendedMs",
  "e2elIntendedMs",
  "scheduleLagMs",
  "promptTokens",
  "completionTokens",
  "outputTokens",
  "expectedInputTokens",
  "expectedOutputTokens",
  "tokenEvents",
  "chunks",
  "doneMarker",
  "newConnection",
  "sessionId",
  "turnIndex",
  "itlNs"
})
public record RequestRecord(
    int index,
    String model,
    @JsonProperty("class") String className,
    String replica,
    boolean success,
    int status,
    String error,
    long scheduledNs,
    long arrivalNs,
    long startNs,
    long sentNs,
    long firstTokenNs,
    long lastTokenNs,
    long doneNs,
    Double ttftMs,
    Double e2elMs,
    Double tpotMs,
    Double ttftIntendedMs,
    Double e2elIntendedMs,
    Double scheduleLagMs,
    int promptTokens,
    int completionTokens,
    int outputTokens,
    int expectedInputTokens,
    int expectedOutputTokens,
    int tokenEvents,
    int chunks,
    boolean doneMarker,
    boolean newConnection,
    @JsonInclude(JsonInclude.Include.NON_NULL) Integer sessionId,
    @JsonInclude(JsonInclude.Include.NON_NULL) Integer turnIndex,
    long[] itlNs) {

  public RequestRecord {
    itlNs = itlNs == null ? new long[0] : itlNs;
  }

  /** A request that is not a turn of a session (no session id or turn index). */
  public RequestRecord(
      int index,
      String model,
      String className,
      String replica,
      boolean success,
      int status,
      String error,
      long scheduledNs,
      long arrivalNs,
      long startNs,
      long sentNs,
      long firstTokenNs,
      long lastTokenNs,
      long doneNs,
      Double ttftMs,
      Double e2elMs,
      Double tpotMs,
      Double ttftIntendedMs,
      Double e2elIntendedMs,
      Double scheduleLagMs,
      int promptTokens,
      int completionTokens,
      int outputTokens,
      int expectedInputTokens,
      int expectedOutputTokens,
      int tokenEvents,
      int chunks,
      boolean doneMarker,
      boolean newConnection,
      long[] itlNs) {
    this(
        index,
        model,
        className,
        replica,
        success,
        status,
        error,
        scheduledNs,
        arrivalNs,
        startNs,
        sentNs,
        firstTokenNs,
        lastTokenNs,
        doneNs,
        ttftMs,
        e2elMs,
        tpotMs,
        ttftIntendedMs,
        e2elIntendedMs,
        scheduleLagMs,
        promptTokens,
        completionTokens,
        outputTokens,
        expectedInputTokens,
        expectedOutputTokens,
        tokenEvents,
        chunks,
        doneMarker,
        newConnection,
        null,
        null,
        itlNs);
  }

  /**
   * {@code value} when it is {@code known}, else null (JSON null): for the nullable millisecond
   * fields.
   */
  public static Double ifKnown(boolean known, double value) {
    return known ? Double.valueOf(value) : null;
  }

  /** TTFT in ms, NaN when failed. */
  @JsonIgnore
  public double ttft() {
    return ttftMs == null ? Double.NaN : ttftMs;
  }

  /** TPOT in ms, NaN when failed or with at most one output token. */
  @JsonIgnore
  public double tpot() {
    return tpotMs == null ? Double.NaN : tpotMs;
  }

  /** E2E latency in ms, NaN when failed. */
  @JsonIgnore
  public double e2el() {
    return e2elMs == null ? Double.NaN : e2elMs;
  }

  /** TTFT from the scheduled time in ms, NaN when failed or unknown. */
  @JsonIgnore
  public double ttftIntended() {
    return ttftIntendedMs == null ? Double.NaN : ttftIntendedMs;
  }

  /** E2E latency from the scheduled time in ms, NaN when failed or unknown. */
  @JsonIgnore
  public double e2elIntended() {
    return e2elIntendedMs == null ? Double.NaN : e2elIntendedMs;
  }

  /** The inter-token gaps in milliseconds (none when failed). */
  @JsonIgnore
  public double[] itlMs() {
    if (!success) {
      return new double[0];
    }
    double[] ms = new double[itlNs.length];
    for (int i = 0; i < ms.length; i++) {
      ms[i] = itlNs[i] / 1e6;
    }
    return ms;
  }

  /** Whether the request succeeded and met every limit of the SLO. */
  public boolean meets(Slo slo) {
    return success && slo.isGood(ttft(), tpot(), e2el());
  }
}
