package io.fleetlb.bench.metrics;

import io.fleetlb.results.RequestRecord;
import io.fleetlb.results.Slo;

/**
 * Everything recorded about one request. Times are nanoseconds from the start of the run (the
 * schedule's zero), -1 when the event did not happen: {@code scheduled} (due), {@code arrival} (the
 * generator handed it to an event loop), {@code start} (it began issuing the HTTP request, vLLM's
 * start_time; later than arrival only while waiting for a --max-concurrency slot), {@code sent} (a
 * connection was obtained and the request written), first and last token event, and {@code done}
 * (the response ended or failed). Token counts are the server's {@code usage} (-1 when absent). A
 * turn of a multi-turn session carries its session id and turn index (null otherwise); for a turn
 * after the first, {@code scheduled} is when it became due (its previous turn's done plus the think
 * time) and {@code afterFailedTurn} says whether that previous turn had failed.
 */
public record RequestOutcome(
    int index,
    String model,
    String className,
    int expectedInputTokens,
    int expectedOutputTokens,
    long scheduledNs,
    long arrivalNs,
    long startNs,
    long sentNs,
    long firstTokenNs,
    long lastTokenNs,
    long doneNs,
    long[] itlNs,
    int tokenEvents,
    int chunks,
    int status,
    boolean success,
    String error,
    int promptTokens,
    int completionTokens,
    boolean doneMarker,
    String replica,
    boolean newConnection,
    Integer sessionId,
    Integer turnIndex,
    boolean afterFailedTurn) {

  /** A request that is not a turn of a session. */
  public RequestOutcome(
      int index,
      String model,
      String className,
      int expectedInputTokens,
      int expectedOutputTokens,
      long scheduledNs,
      long arrivalNs,
      long startNs,
      long sentNs,
      long firstTokenNs,
      long lastTokenNs,
      long doneNs,
      long[] itlNs,
      int tokenEvents,
      int chunks,
      int status,
      boolean success,
      String error,
      int promptTokens,
      int completionTokens,
      boolean doneMarker,
      String replica,
      boolean newConnection) {
    this(
        index,
        model,
        className,
        expectedInputTokens,
        expectedOutputTokens,
        scheduledNs,
        arrivalNs,
        startNs,
        sentNs,
        firstTokenNs,
        lastTokenNs,
        doneNs,
        itlNs,
        tokenEvents,
        chunks,
        status,
        success,
        error,
        promptTokens,
        completionTokens,
        doneMarker,
        replica,
        newConnection,
        null,
        null,
        false);
  }

  /**
   * Whether the request was due only once its session's previous turn ended (turn > 0): its due
   * time is not part of the open-loop schedule.
   */
  public boolean dependent() {
    return turnIndex != null && turnIndex > 0;
  }

  /** TTFT in ns (vLLM: first token event minus start). */
  public long ttftNs() {
    return firstTokenNs - startNs;
  }

  /** E2EL in ns (vLLM: last token event minus start). */
  public long e2elNs() {
    return lastTokenNs - startNs;
  }

  /**
   * Output tokens as vLLM counts them: the server's usage, else (no tokenizer here) the token
   * events.
   */
  public int outputTokens() {
    return completionTokens >= 0 ? completionTokens : tokenEvents;
  }

  /** Prompt tokens: the server's usage, else the dataset's length. */
  public int inputTokens() {
    return promptTokens >= 0 ? promptTokens : Math.max(0, expectedInputTokens);
  }

  /** Schedule lag in ns: how late the request reached an event loop. */
  public long scheduleLagNs() {
    return arrivalNs - scheduledNs;
  }

  /** vLLM's TPOT in ns, or -1 when there is at most one output token. */
  public double tpotNs() {
    int n = outputTokens();
    return n > 1 ? (double) (e2elNs() - ttftNs()) / (n - 1) : -1;
  }

  public boolean usageMissing() {
    return completionTokens < 0;
  }

  /**
   * Whether the request succeeded and met every limit of the goodput SLO (vLLM: TPOT 0 with one
   * token).
   */
  public boolean meets(Slo slo) {
    return success
        && slo.isGood(
            ttftNs() / 1e6, outputTokens() > 1 ? tpotNs() / 1e6 : Double.NaN, e2elNs() / 1e6);
  }

  /** This outcome as the line bench writes in {@code RESULT.requests.jsonl}. */
  public RequestRecord toRecord() {
    return new RequestRecord(
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
        RequestRecord.ifKnown(success, ttftNs() / 1e6),
        RequestRecord.ifKnown(success, e2elNs() / 1e6),
        RequestRecord.ifKnown(success && outputTokens() > 1, tpotNs() / 1e6),
        RequestRecord.ifKnown(success, (firstTokenNs - scheduledNs) / 1e6),
        RequestRecord.ifKnown(success, (lastTokenNs - scheduledNs) / 1e6),
        RequestRecord.ifKnown(arrivalNs >= 0, scheduleLagNs() / 1e6),
        promptTokens,
        completionTokens,
        success ? outputTokens() : 0,
        expectedInputTokens,
        expectedOutputTokens,
        tokenEvents,
        chunks,
        doneMarker,
        newConnection,
        sessionId,
        turnIndex,
        itlNs);
  }
}
