package io.fleetlb.lb.roundrobin.overhead;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.netty.channel.EventLoop;
import io.vertx.core.internal.ContextInternal;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * An open-loop HTTP load generator: request {@code i} is due at {@code start + i / rate} whether
 * or not earlier ones finished, and its latency is measured from that scheduled time (so a
 * stalled target cannot hide its queueing: no coordinated omission). Runs on one event loop, which
 * releases each request at its due time from a timer of its own.
 */
final class OpenLoopClient {
  /** The outcome of one run. */
  record Result(Histogram latencyMicros, long sent, long ok, long failed, long maxLagMicros,
      long startEpochMillis, long[] secondMaxMicros, Map<String, Integer> failures) {
    /** The worst latency of each second of the run (by due time), in ms: where a tail came from. */
    String timeline() {
      StringBuilder b = new StringBuilder();
      for (long m : secondMaxMicros) {
        b.append(b.length() == 0 ? "" : " ").append(m / 1000);
      }
      return b.toString();
    }
  }

  private final Vertx vertx;
  private final HttpClientAgent client;
  private final Buffer body;

  OpenLoopClient(Vertx vertx, String body) {
    this.vertx = vertx;
    this.client = vertx.httpClientBuilder()
        .with(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
            .setKeepAliveTimeout(60).setConnectTimeout(5000))
        .with(new PoolOptions().setHttp1MaxSize(512).setMaxWaitQueueSize(-1))
        .build();
    this.body = Buffer.buffer(body);
  }

  /**
   * Sends {@code rate} requests per second for {@code duration} to {@code port}{@code path}, with
   * an {@code Authorization} header when {@code authorization} is not null.
   */
  Result run(int port, String authorization, String path, int rate, Duration duration)
      throws Exception {
    Histogram h = new Histogram(60_000_000L, 3);
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicLong done = new AtomicLong();
    AtomicLong maxLag = new AtomicLong();
    long total = (long) rate * duration.toSeconds();
    double intervalNanos = 1e9 / rate;
    CompletableFuture<Void> finished = new CompletableFuture<>();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
        .setHost("127.0.0.1").setPort(port).setURI(path)
        .putHeader("content-type", "application/json");
    if (authorization != null) {
      options.putHeader("authorization", authorization);
    }
    // Paced by a Netty timer on the client's own event loop, set for the next due request (with
    // the epoll transport a timerfd: microsecond-precise, where a 1 ms periodic timer would add up
    // to a millisecond of queueing to every request and quantize the latencies); as in the bench's
    // loop pacer (bench/.../replay/LoopPacer.java).
    ContextInternal context = (ContextInternal) vertx.getOrCreateContext();
    EventLoop loop = context.nettyEventLoop();
    long start = System.nanoTime() + 10_000_000L;
    long startEpochMillis = System.currentTimeMillis() + 10;
    long[] secondMax = new long[(int) Math.max(1, duration.toSeconds())];
    Map<String, Integer> failures = new TreeMap<>();
    long[] next = {0};
    Runnable[] pace = new Runnable[1];
    pace[0] = () -> {
      try {
        while (next[0] < total) {
          long now = System.nanoTime();
          long due = start + (long) (next[0] * intervalNanos);
          if (due > now) {
            loop.schedule(pace[0], due - now, TimeUnit.NANOSECONDS);
            return;
          }
          maxLag.accumulateAndGet((now - due) / 1000, Math::max);
          next[0]++;
          // with the client's context current, as on any of its own callbacks
          context.emit(due, d -> send(options, d, start, h, secondMax, failures, ok, failed, done,
              total, finished));
        }
      } catch (RuntimeException e) {
        finished.completeExceptionally(e); // a Netty task's exception would be logged and lost
      }
    };
    context.runOnContext(v -> pace[0].run());
    finished.get(duration.toSeconds() + 60, TimeUnit.SECONDS);
    return new Result(h, total, ok.get(), failed.get(), maxLag.get(), startEpochMillis,
        secondMax, failures);
  }

  private void send(RequestOptions options, long due, long start, Histogram h, long[] secondMax,
      Map<String, Integer> failures, AtomicLong ok, AtomicLong failed, AtomicLong done, long total,
      CompletableFuture<Void> finished) {
    client.request(options)
        .compose(req -> req.send(body))
        .compose(resp -> resp.body().map(b -> resp.statusCode()))
        .onComplete(ar -> {
          long micros = (System.nanoTime() - due) / 1000;
          int second = (int) Math.min(secondMax.length - 1, (due - start) / 1_000_000_000L);
          secondMax[second] = Math.max(secondMax[second], micros); // on the client's one loop
          if (ar.succeeded() && ar.result() == 200) {
            h.recordValue(Math.min(micros, h.getHighestTrackableValue()));
            ok.incrementAndGet();
          } else {
            failed.incrementAndGet();
            // what failed, counted by kind (on the client's one loop)
            String why = ar.succeeded() ? "status " + ar.result()
                : ar.cause().getClass().getSimpleName() + ": " + ar.cause().getMessage();
            failures.merge(why, 1, Integer::sum);
          }
          if (done.incrementAndGet() == total) {
            finished.complete(null);
          }
        });
  }

  void close() {
    client.close();
  }
}
