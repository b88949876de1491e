package io.fleetlb.bench.workload;

/**
 * One frozen request: its position, when it is due (nanoseconds from the start of the run), the
 * model and endpoint, its class and expected token counts, the exact body bytes to send, and, for a
 * turn of a multi-turn session, its place in the conversation (null otherwise).
 */
public record WorkloadRequest(
    int index,
    long offsetNanos,
    String model,
    String endpoint,
    String className,
    int inputTokens,
    int outputTokens,
    byte[] body,
    Turn turn) {

  /**
   * A turn of a session: turn 0 is due at the request's offset; turn {@code t > 0} is due {@code
   * thinkTimeNanos} after turn {@code t - 1} of the same session ended (its offset is then only the
   * session's start, a lower bound).
   */
  public record Turn(int sessionId, int turnIndex, long thinkTimeNanos) {
    public Turn {
      if (sessionId < 0 || turnIndex < 0 || thinkTimeNanos < 0) {
        throw new IllegalArgumentException("session_id, turn_index and think_time_ns must be >= 0");
      }
    }
  }

  /** A request that is not part of a session. */
  public WorkloadRequest(
      int index,
      long offsetNanos,
      String model,
      String endpoint,
      String className,
      int inputTokens,
      int outputTokens,
      byte[] body) {
    this(index, offsetNanos, model, endpoint, className, inputTokens, outputTokens, body, null);
  }

  /** Whether the request is due only once its session's previous turn ended (turn > 0). */
  public boolean dependent() {
    return turn != null && turn.turnIndex() > 0;
  }
}
