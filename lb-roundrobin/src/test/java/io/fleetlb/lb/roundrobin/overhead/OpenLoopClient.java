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
    // Idle connections are dropped after 5 s, before the router's own limit for an idle client
    // connection (timeouts.header_read, 10 s) closes them: a request sent on a connection the
    // server is closing at that moment fails at the client for the client's sake (a keep-alive
    // race every HTTP client avoids this way; with 60 s here, 3 of 22,000 requests once failed
    // with "Connection was closed" and never reached the router's access log).
    this.client = vertx.httpClientBuilder()
        .with(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
            .setKeepAliveTimeout(5).setConnectTimeout(5000))
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
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
        .setHost("127.0.0.1").setPort(port).setURI(path)
        .putHeader("content-type", "application/json");
    if (authorization != null) {
      options.putHeader("authorization", authorization);
    }
    Run run = new Run(options, rate, duration);
    run.context.runOnContext(v -> run.pace());
    run.finished.get(duration.toSeconds() + 60, TimeUnit.SECONDS);
    return new Result(run.latency, run.total, run.ok, run.failed, run.maxLagMicros,
        run.startEpochMillis, run.secondMax, run.failures);
  }

  /**
   * One run's schedule and tallies. Everything but the constructor runs on the client's one event
   * loop; {@link #finished} completes after the last answer, which publishes the tallies.
   */
  private final class Run {
    final RequestOptions options;
    final long total;
    final double intervalNanos;
    // Paced by a Netty timer on the client's own event loop, set for the next due request (with
    // the epoll transport a timerfd: microsecond-precise, where a 1 ms periodic timer would add up
    // to a millisecond of queueing to every request and quantize the latencies); as in the bench's
    // loop pacer (bench/.../replay/LoopPacer.java).
    final ContextInternal context = (ContextInternal) vertx.getOrCreateContext();
    final EventLoop loop = context.nettyEventLoop();
    final long start = System.nanoTime() + 10_000_000L;
    final long startEpochMillis = System.currentTimeMillis() + 10;
    final Histogram latency = new Histogram(60_000_000L, 3);
    final long[] secondMax;
    final Map<String, Integer> failures = new TreeMap<>();
    final CompletableFuture<Void> finished = new CompletableFuture<>();
    long next;
    long ok;
    long failed;
    long maxLagMicros;

    Run(RequestOptions options, int rate, Duration duration) {
      this.options = options;
      this.total = (long) rate * duration.toSeconds();
      this.intervalNanos = 1e9 / rate;
      this.secondMax = new long[(int) Math.max(1, duration.toSeconds())];
    }

    void pace() {
      try {
        while (next < total) {
          long now = System.nanoTime();
          long due = start + (long) (next * intervalNanos);
          if (due > now) {
            loop.schedule(this::pace, due - now, TimeUnit.NANOSECONDS);
            return;
          }
          maxLagMicros = Math.max(maxLagMicros, (now - due) / 1000);
          next++;
          // with the client's context current, as on any of its own callbacks
          context.emit(due, this::send);
        }
      } catch (RuntimeException e) {
        finished.completeExceptionally(e); // a Netty task's exception would be logged and lost
      }
    }

    void send(long due) {
      client.request(options)
          .compose(req -> req.send(body))
          .compose(resp -> resp.body().map(b -> resp.statusCode()))
          .onComplete(ar -> {
            long micros = (System.nanoTime() - due) / 1000;
            int second = (int) Math.min(secondMax.length - 1, (due - start) / 1_000_000_000L);
            secondMax[second] = Math.max(secondMax[second], micros);
            if (ar.succeeded() && ar.result() == 200) {
              latency.recordValue(Math.min(micros, latency.getHighestTrackableValue()));
              ok++;
            } else {
              failed++;
              String why = ar.succeeded() ? "status " + ar.result()
                  : ar.cause().getClass().getSimpleName() + ": " + ar.cause().getMessage();
              failures.merge(why, 1, Integer::sum); // what failed, counted by kind
            }
            if (ok + failed == total) {
              finished.complete(null);
            }
          });
    }
  }

  void close() {
    client.close();
  }
}
