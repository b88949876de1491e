package io.fleetlb.analysis.input;

/**
 * One request of one run, as bench wrote it in {@code RESULT.requests.jsonl}: outcome, the
 * per-request latencies in milliseconds (NaN where bench wrote null), token counts, the replica
 * that served it and its inter-token gaps in milliseconds.
 */
public record RequestRecord(
    int index,
    String model,
    String replica,
    boolean success,
    String error,
    double ttftMs,
    double tpotMs,
    double e2elMs,
    double ttftIntendedMs,
    double e2elIntendedMs,
    int outputTokens,
    int promptTokens,
    double[] itlMs) {

  /** Whether this request met every objective of the SLO (failed requests never do). */
  public boolean meets(Slo slo) {
    if (!success) {
      return false;
    }
    // vLLM's goodput: a request with at most one output token counts TPOT as 0
    double tpot = Double.isNaN(tpotMs) ? 0 : tpotMs;
    return within(ttftMs, slo.ttftMs()) && within(tpot, slo.tpotMs()) && within(e2elMs, slo.e2elMs());
  }

  private static boolean within(double value, Double limit) {
    return limit == null || value <= limit;
  }
}
