package io.fleetlb.lb.roundrobin.overhead;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A replica stand-in for the stream phases: every POST gets an SSE stream of {@code events}
 * events, the first at once and the others {@code intervalMs} apart, then {@code [DONE]}. It counts open streams and records, per
 * {@code x-bench-id} header, when a stream's connection was cut before its end.
 */
final class SseUpstream {
  final AtomicInteger open = new AtomicInteger();
  final AtomicInteger maxOpen = new AtomicInteger();
  final Map<String, Long> cutAtNanos = new ConcurrentHashMap<>();
  private final Vertx vertx;
  private final int events;
  private final long intervalMs;
  private HttpServer server;

  SseUpstream(Vertx vertx, int events, long intervalMs) {
    this.vertx = vertx;
    this.events = events;
    this.intervalMs = intervalMs;
  }

  int start() throws Exception {
    server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)
            .setAcceptBacklog(8192).setTcpNoDelay(true))
        .requestHandler(this::handle);
    server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return server.actualPort();
  }

  private void handle(HttpServerRequest req) {
    if ("/health".equals(req.path())) {
      req.response().end();
      return;
    }
    if (!"/v1/chat/completions".equals(req.path())) {
      req.response().setStatusCode(404).end();
      return;
    }
    String id = req.getHeader("x-bench-id");
    req.body().onSuccess(b -> {
      HttpServerResponse r = req.response().setChunked(true)
          .putHeader("content-type", "text/event-stream");
      open.incrementAndGet();
      maxOpen.accumulateAndGet(open.get(), Math::max);
      boolean[] finished = {false};
      r.closeHandler(v -> {
        if (!finished[0]) {
          finished[0] = true;
          open.decrementAndGet();
          if (id != null) {
            cutAtNanos.put(id, System.nanoTime());
          }
        }
      });
      r.writeHead();
      tick(r, 0, finished);
    });
  }

  /** The first event goes out at once (it is what clients wait for), the rest on the interval. */
  private void tick(HttpServerResponse r, int i, boolean[] finished) {
    vertx.setTimer(i == 0 ? 1 : intervalMs, t -> {
      if (finished[0]) {
        return;
      }
      if (i == events) {
        finished[0] = true;
        open.decrementAndGet();
        r.end("data: [DONE]\n\n");
        return;
      }
      r.write("data: {\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
          + "\"delta\":{\"content\":\" tok" + i + "\"},\"finish_reason\":null}]}\n\n");
      tick(r, i + 1, finished);
    });
  }

  void close() throws Exception {
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
