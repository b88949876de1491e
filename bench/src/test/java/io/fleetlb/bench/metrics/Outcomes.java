package io.fleetlb.bench.metrics;

/** Builds synthetic request records for metric tests; times are given in milliseconds. */
final class Outcomes {
  private Outcomes() {}

  static long ms(double v) {
    return Math.round(v * 1_000_000);
  }

  /** A successful request; the last token time follows from the gaps. */
  static RequestOutcome ok(
      int index,
      String model,
      String replica,
      double scheduledMs,
      double startMs,
      double firstMs,
      double[] itlMs,
      int completionTokens,
      int promptTokens) {
    long[] itl = new long[itlMs.length];
    long last = ms(firstMs);
    for (int i = 0; i < itl.length; i++) {
      itl[i] = ms(itlMs[i]);
      last += itl[i];
    }
    return new RequestOutcome(
        index,
        model,
        null,
        promptTokens,
        completionTokens,
        ms(scheduledMs),
        ms(startMs),
        ms(startMs),
        ms(startMs) + 100_000,
        ms(firstMs),
        last,
        last + 500_000,
        itl,
        itl.length + 1,
        itl.length + 1,
        200,
        true,
        null,
        promptTokens,
        completionTokens,
        true,
        replica,
        false);
  }

  static RequestOutcome failed(
      int index, String model, double scheduledMs, double startMs, String error) {
    return new RequestOutcome(
        index,
        model,
        null,
        7,
        3,
        ms(scheduledMs),
        ms(startMs),
        ms(startMs),
        -1,
        -1,
        -1,
        ms(startMs + 5),
        new long[0],
        0,
        0,
        503,
        false,
        error,
        -1,
        -1,
        false,
        null,
        false);
  }

  /** A copy with a different arrival time (to create schedule lag). */
  static RequestOutcome arrivedAt(RequestOutcome r, double arrivalMs) {
    return new RequestOutcome(
        r.index(),
        r.model(),
        r.className(),
        r.expectedInputTokens(),
        r.expectedOutputTokens(),
        r.scheduledNs(),
        ms(arrivalMs),
        Math.max(r.startNs(), ms(arrivalMs)),
        r.sentNs(),
        r.firstTokenNs(),
        r.lastTokenNs(),
        r.doneNs(),
        r.itlNs(),
        r.tokenEvents(),
        r.chunks(),
        r.status(),
        r.success(),
        r.error(),
        r.promptTokens(),
        r.completionTokens(),
        r.doneMarker(),
        r.replica(),
        r.newConnection());
  }
}
