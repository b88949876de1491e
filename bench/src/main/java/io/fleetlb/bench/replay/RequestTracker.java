package io.fleetlb.bench.replay;

import io.fleetlb.bench.metrics.RequestOutcome;
import io.fleetlb.bench.workload.WorkloadRequest;
import io.vertx.core.buffer.Buffer;
import java.util.Arrays;

/**
 * The live state of one request while it runs: timestamps, the SSE parser of its response, token
 * and usage bookkeeping and the single terminal transition ({@link #finish}) that every exit path
 * goes through exactly once. Owned by one event loop while running; read by the main thread only
 * after the run's completion count reached zero.
 */
final class RequestTracker implements SseParser.Listener {
  final WorkloadRequest request;
  final int contextIndex;

  /**
   * When it is due: the workload's offset, or for a session's later turn the time its previous turn
   * ended plus the think time, set when that turn completes (before this one is handed on).
   */
  long scheduledNs;

  private final long t0;

  /** The same session's next turn, due once this one is done; null when none. */
  RequestTracker next;

  /** Set on a later turn when its previous turn failed (it is sent anyway). */
  boolean afterFailedTurn;

  /** Created with the first chunk and dropped at the end: a run holds one tracker per request. */
  private SseParser parser;

  /**
   * When the pacer released it (its event loop's timer, or the NIO pacer thread handing it over;
   * -1: a later turn, or never).
   */
  long releasedNs = -1;

  long arrivalNs = -1;
  long startNs = -1;
  long sentNs = -1;
  private long firstTokenNs = -1;
  private long lastTokenNs = -1;
  private long doneNs = -1;
  private long[] itl = new long[8];
  private int itlCount;
  private int tokenEvents;
  private int chunks;
  int status;
  private String error;
  private int promptTokens = -1;
  private int completionTokens = -1;
  private boolean doneMarker;
  String replica;

  /** The response's content type, to explain a 200 that is not an event stream. */
  String contentType;

  boolean newConnection;
  boolean finished;
  long timerId = -1;

  /** The keep-alive connection in use (KeepAliveCache), given back exactly once. */
  KeepAliveCache.Pooled connection;

  /** The HTTP request once created, so a timeout can reset it. */
  io.vertx.core.http.HttpClientRequest httpRequest;

  /** Resent once after a reused connection turned out closed. */
  boolean staleRetried;

  RequestTracker(WorkloadRequest request, long t0, int contextIndex) {
    this.request = request;
    this.t0 = t0;
    this.scheduledNs = request.offsetNanos();
    this.contextIndex = contextIndex;
  }

  long now() {
    return System.nanoTime() - t0;
  }

  /** One network chunk of a 200 response, timestamped on arrival. */
  void onChunk(Buffer chunk) {
    long t = now();
    chunks++;
    if (parser == null) {
      parser = new SseParser(this);
    }
    byte[] bytes = chunk.getBytes();
    parser.feed(bytes, 0, bytes.length, t);
  }

  @Override
  public void onEvent(byte[] data, int len, long arrivalNs) {
    StreamEvent e = StreamEvent.classify(data, len);
    if (e.done()) {
      doneMarker = true;
      return;
    }
    if (e.error() != null) {
      if (error == null) {
        error =
            e.invalid()
                ? e.error()
                : "error in stream after " + tokenEvents + " token events: " + e.error();
      }
      return;
    }
    if (e.hasUsage()) {
      if (e.promptTokens() >= 0) {
        promptTokens = e.promptTokens();
      }
      if (e.completionTokens() >= 0) {
        completionTokens = e.completionTokens();
      }
    }
    if (e.token()) {
      if (firstTokenNs < 0) {
        firstTokenNs = arrivalNs;
      } else {
        if (itlCount == itl.length) {
          itl = Arrays.copyOf(itl, itl.length * 2);
        }
        itl[itlCount++] = arrivalNs - lastTokenNs;
      }
      lastTokenNs = arrivalNs;
      tokenEvents++;
    }
  }

  /** The response ended normally: success iff HTTP 200, at least one token event and no error. */
  boolean end() {
    if (finished) {
      return false;
    }
    if (error == null && tokenEvents == 0) {
      boolean sse = contentType == null || contentType.startsWith("text/event-stream");
      if (!sse) {
        error =
            "the response was "
                + contentType
                + ", not an event stream (does the server ignore \"stream\": true?)";
      } else if (parser != null && parser.hasPartialEvent()) {
        error = "the stream ended inside an unterminated SSE event";
      } else {
        error = "the stream ended without any token event";
      }
    }
    return markFinished();
  }

  /** A failure (transport, status, timeout); the first reason wins. */
  boolean fail(String reason) {
    if (finished) {
      return false;
    }
    if (error == null) {
      error = reason;
    }
    return markFinished();
  }

  private boolean markFinished() {
    finished = true;
    doneNs = now();
    parser = null;
    return true;
  }

  /** The body to send, wrapped when sent rather than held for the whole run. */
  Buffer body() {
    return Buffer.buffer(request.body());
  }

  int tokenEvents() {
    return tokenEvents;
  }

  /** When the request finished (ns from the run's zero), -1 while it runs. */
  long doneNs() {
    return doneNs;
  }

  /** Whether the request finished as a success (the same test as its outcome's). */
  boolean succeeded() {
    return finished && error == null && status == 200 && tokenEvents > 0;
  }

  RequestOutcome toOutcome() {
    boolean success = succeeded();
    WorkloadRequest.Turn turn = request.turn();
    return new RequestOutcome(
        request.index(),
        request.model(),
        request.className(),
        request.inputTokens(),
        request.outputTokens(),
        scheduledNs,
        arrivalNs,
        startNs,
        sentNs,
        firstTokenNs,
        lastTokenNs,
        doneNs,
        Arrays.copyOf(itl, itlCount),
        tokenEvents,
        chunks,
        status,
        success,
        success ? null : (error == null ? "not finished" : error),
        promptTokens,
        completionTokens,
        doneMarker,
        replica,
        newConnection,
        turn == null ? null : turn.sessionId(),
        turn == null ? null : turn.turnIndex(),
        afterFailedTurn);
  }
}
