package io.fleetlb.lb.roundrobin.overhead;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.HdrHistogram.Histogram;

/**
 * Holds many SSE streams open through the router at once, and measures how fast a client's
 * disconnect reaches the upstream.
 */
final class StreamsLoad {
  /** What happened to the concurrent streams. */
  record Streams(int requested, int completed, int failed, int peakOpenUpstream,
      long openedMillis) {}

  private final Vertx vertx;

  StreamsLoad(Vertx vertx) {
    this.vertx = vertx;
  }

  /**
   * Opens {@code count} streams at {@code openRate} per second over HTTP/2 cleartext
   * ({@code connections} connections); {@code atPeak} runs once every stream is open upstream.
   */
  Streams concurrent(int port, int count, int connections, int openRate, SseUpstream upstream,
      Runnable atPeak) throws Exception {
    int perConnection = (count + connections - 1) / connections;
    HttpClientAgent client = vertx.httpClientBuilder()
        .with(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
            .setHttp2ClearTextUpgrade(false).setHttp2MultiplexingLimit(perConnection)
            .setConnectTimeout(10_000).setKeepAlive(true))
        .with(new PoolOptions().setHttp2MaxSize(connections).setMaxWaitQueueSize(-1))
        .build();
    AtomicInteger completed = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    CountDownLatch ended = new CountDownLatch(count);
    long t0 = System.nanoTime();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
        .setHost("127.0.0.1").setPort(port).setURI("/v1/chat/completions");
    Buffer body = Buffer.buffer("{\"model\":\"bench-sse\",\"stream\":true,"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    long perTickNanos = 1_000_000_000L / openRate;
    int[] sent = {0};
    vertx.runOnContext(v -> vertx.setPeriodic(1, id -> {
      long due = (System.nanoTime() - t0) / perTickNanos;
      while (sent[0] < count && sent[0] <= due) {
        sent[0]++;
        client.request(options)
            .compose(req -> req.send(body))
            .compose(resp -> resp.statusCode() == 200 ? resp.body()
                : io.vertx.core.Future.failedFuture("status " + resp.statusCode()))
            .onComplete(ar -> {
              if (ar.succeeded() && ar.result().toString().endsWith("data: [DONE]\n\n")
                  && !ar.result().toString().contains("\"error\"")) {
                completed.incrementAndGet();
              } else {
                if (failed.incrementAndGet() <= 3) {
                  RouterOverheadBench.log("stream failed: " + (ar.failed() ? ar.cause()
                      : "incomplete body: " + tail(ar.result().toString())));
                }
              }
              ended.countDown();
            });
      }
      if (sent[0] >= count) {
        vertx.cancelTimer(id);
      }
    }));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (upstream.open.get() < count - failed.get() && System.nanoTime() < deadline
        && ended.getCount() > 0) {
      Thread.sleep(50);
    }
    long openedMillis = (System.nanoTime() - t0) / 1_000_000;
    atPeak.run();
    ended.await(180, TimeUnit.SECONDS);
    client.close();
    return new Streams(count, completed.get(), failed.get() + (int) ended.getCount(),
        upstream.maxOpen.get(), openedMillis);
  }

  /**
   * Opens {@code count} streams one after another over HTTP/1.1, closes each client connection
   * after its first event, and records the delay until the upstream saw its connection cut.
   */
  Histogram cancelLatency(int port, int count, SseUpstream upstream) throws Exception {
    Histogram micros = new Histogram(10_000_000L, 3);
    for (int i = 0; i < count; i++) {
      String id = "cancel-" + i;
      HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
      CountDownLatch firstEvent = new CountDownLatch(1);
      long[] closedAt = {0};
      client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
              .setPort(port).setURI("/v1/chat/completions").putHeader("x-bench-id", id))
          .compose(req -> req.send(Buffer.buffer("{\"model\":\"bench-sse\",\"stream\":true}"))
              .onSuccess(resp -> resp.handler(b -> {
                if (closedAt[0] == 0) {
                  closedAt[0] = System.nanoTime();
                  req.connection().close();
                  firstEvent.countDown();
                }
              })));
      if (!firstEvent.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("no first event for " + id);
      }
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (!upstream.cutAtNanos.containsKey(id) && System.nanoTime() < until) {
        Thread.sleep(1);
      }
      Long cut = upstream.cutAtNanos.get(id);
      micros.recordValue(cut == null ? micros.getHighestTrackableValue()
          : Math.max(0, (cut - closedAt[0]) / 1000));
      client.close();
    }
    return micros;
  }

  private static String tail(String s) {
    return s.length() <= 300 ? s : "..." + s.substring(s.length() - 300);
  }

  static IntSupplier none() {
    return () -> 0;
  }
}
