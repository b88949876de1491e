package io.fleetlb.bench.replay;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The life of each request of one run, on its event loop: arrival, the optional concurrency gate,
 * the timeout, connection and send, the streamed response, and the single completion that gives
 * back the connection, the slot and the count exactly once on every exit path.
 */
final class RequestFlow {
  private final Vertx vertx;
  private final ReplayOptions options;
  private final Connections connections;
  private final List<Context> contexts;
  private final Counters counters;
  private final ConcurrencyGate<RequestTracker> gate;
  private final AtomicInteger remaining;
  private final CountDownLatch done;

  /** Receives a session's next turn once it is due-dated; null when the run has no sessions. */
  private final java.util.function.Consumer<RequestTracker> turnDue;

  /** Counters shared with the engine (progress display, the recording). */
  static final class Counters {
    final int poolSize;
    final AtomicInteger sent = new AtomicInteger();
    final AtomicInteger finished = new AtomicInteger();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicLong poolWaits = new AtomicLong();
    final AtomicLong staleRetries = new AtomicLong();

    Counters(int poolSize) {
      this.poolSize = poolSize;
    }

    void reset() {
      sent.set(0);
      finished.set(0);
      poolWaits.set(0);
      staleRetries.set(0);
    }
  }

  RequestFlow(
      Vertx vertx,
      ReplayOptions options,
      Connections connections,
      List<Context> contexts,
      Counters counters,
      int n,
      java.util.function.Consumer<RequestTracker> turnDue) {
    this.turnDue = turnDue;
    this.vertx = vertx;
    this.options = options;
    this.connections = connections;
    this.contexts = contexts;
    this.counters = counters;
    this.remaining = new AtomicInteger(n);
    this.done = new CountDownLatch(n == 0 ? 0 : 1);
    this.gate =
        options.maxConcurrency() == null
            ? null
            : new ConcurrencyGate<>(options.maxConcurrency(), t -> onContext(t, () -> start(t)));
  }

  void awaitDone() throws InterruptedException {
    done.await();
  }

  /** The pacer's hand-off reached the request's event loop. */
  void arrive(RequestTracker t) {
    t.arrivalNs = t.now();
    counters.sent.incrementAndGet();
    if (gate == null) {
      start(t);
    } else {
      gate.acquire(t);
    }
  }

  private void start(RequestTracker t) {
    t.startNs = t.now();
    if (counters.inFlight.incrementAndGet() > counters.poolSize) {
      counters.poolWaits.incrementAndGet();
    }
    if (options.requestTimeoutNs() > 0) {
      long ms = Math.max(1, TimeUnit.NANOSECONDS.toMillis(options.requestTimeoutNs()));
      t.timerId =
          vertx.setTimer(
              ms,
              id -> {
                t.timerId = -1;
                failed(t, "timeout after " + (ms / 1000.0) + " s");
                if (t.httpRequest != null) {
                  t.httpRequest.reset(); // frees the server's work too, as a client giving up does
                }
              });
    }
    issue(t);
  }

  /**
   * Obtains a connection and sends. A reused keep-alive connection that the server closed before
   * answering (servers close idle ones when they please) is retried once on a new connection:
   * nothing reached the server, so the failure would be the client's, not the server's.
   */
  private void issue(RequestTracker t) {
    connections
        .request(t, requestOptions(t))
        .onComplete(
            ar -> {
              if (ar.failed()) {
                if (!retriedStale(t)) {
                  failed(t, TransportErrors.describe(ar.cause(), options.host(), options.port()));
                }
                return;
              }
              HttpClientRequest req = ar.result();
              if (t.finished) {
                req.reset();
                connections.release(t, false);
                return;
              }
              t.sentNs = t.now();
              t.httpRequest = req;
              req.send(t.body())
                  .onComplete(
                      rr -> {
                        if (rr.succeeded()) {
                          onResponse(t, req, rr.result());
                        } else if (!retriedStale(t)) {
                          failed(
                              t,
                              TransportErrors.describe(rr.cause(), options.host(), options.port()));
                        }
                      });
            });
  }

  private boolean retriedStale(RequestTracker t) {
    if (t.finished || t.newConnection || t.status != 0 || t.staleRetried || t.connection == null) {
      return false;
    }
    t.staleRetried = true;
    counters.staleRetries.incrementAndGet();
    connections.release(t, false);
    t.httpRequest = null;
    issue(t);
    return true;
  }

  private void onResponse(RequestTracker t, HttpClientRequest req, HttpClientResponse resp) {
    t.status = resp.statusCode();
    t.replica = resp.getHeader("x-lb-replica");
    t.contentType = resp.getHeader("content-type");
    if (t.finished) {
      req.reset();
      connections.release(t, false);
      return;
    }
    if (t.status != 200) {
      ErrorBody body = new ErrorBody();
      resp.handler(body::append);
      resp.exceptionHandler(e -> failed(t, "HTTP " + t.status + ": " + body.message()));
      resp.endHandler(
          v -> {
            if (t.fail("HTTP " + t.status + ": " + body.message())) {
              complete(t, true);
            }
          });
      return;
    }
    resp.handler(t::onChunk);
    resp.exceptionHandler(
        e ->
            failed(
                t,
                "connection lost after "
                    + t.tokenEvents()
                    + " token events: "
                    + TransportErrors.describe(e, options.host(), options.port())));
    resp.endHandler(
        v -> {
          if (t.end()) {
            complete(t, true);
          } else {
            connections.release(
                t, false); // already failed (timeout): the connection may be mid-stream
          }
        });
  }

  private void failed(RequestTracker t, String reason) {
    if (t.fail(reason)) {
      complete(t, false);
    }
  }

  /**
   * The single exit of every request: frees its connection, timer, slot and count, exactly once.
   */
  private void complete(RequestTracker t, boolean reusable) {
    connections.release(t, reusable);
    if (t.timerId >= 0) {
      vertx.cancelTimer(t.timerId);
    }
    counters.inFlight.decrementAndGet();
    counters.finished.incrementAndGet();
    if (gate != null) {
      gate.release();
    }
    RequestTracker next = t.next;
    if (next != null) {
      // closed loop within a session: the next turn is due the think time after this one ended,
      // whether it succeeded or not (its history is frozen, so the offered load stays the same)
      next.scheduledNs = t.doneNs() + next.request.turn().thinkTimeNanos();
      next.afterFailedTurn = !t.succeeded();
      turnDue.accept(next);
    }
    if (remaining.decrementAndGet() == 0) {
      done.countDown();
    }
  }

  private RequestOptions requestOptions(RequestTracker t) {
    RequestOptions ro =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setHost(options.host())
            .setPort(options.port())
            .setSsl(options.ssl())
            .setURI(options.pathOverride() != null ? options.pathOverride() : t.request.endpoint());
    ro.putHeader("content-type", "application/json");
    ro.putHeader("accept", "text/event-stream");
    ro.putHeader("user-agent", "fleetlb-bench");
    options.headers().forEach(ro::putHeader);
    return ro;
  }

  private void onContext(RequestTracker t, Runnable r) {
    Context ctx = contexts.get(t.contextIndex);
    if (Vertx.currentContext() == ctx) {
      r.run();
    } else {
      ctx.runOnContext(v -> r.run());
    }
  }
}
