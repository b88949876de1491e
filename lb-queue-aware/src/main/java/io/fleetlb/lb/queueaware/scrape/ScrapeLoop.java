package io.fleetlb.lb.queueaware.scrape;

import io.fleetlb.lb.policy.LoadView;
import io.fleetlb.lb.pool.Replica;
import io.fleetlb.lb.queueaware.config.ScrapeConfig;
import io.fleetlb.prom.MetricsSnapshot;
import io.fleetlb.prom.ParseLimits;
import io.fleetlb.prom.PrometheusParseException;
import io.fleetlb.prom.PrometheusText;
import io.vertx.core.AsyncResult;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * Polls one replica's {@code /metrics} on its own timer and publishes a {@link ReplicaLoad} per
 * successful scrape. At most one scrape is in flight (the next is scheduled only when the last
 * one ended); each is bounded by the timeout (connect to last byte) and the body size; every
 * failure is classified, counted and keeps the previous snapshot, which then ages into
 * staleness. Confined to the scraper's context: the publication is the only shared write.
 *
 * <p>The exposition is parsed on that control-plane event loop, never on the request path: a
 * vLLM V1 scrape takes about 130 microseconds to parse (docs/benchmarks.md).
 */
final class ScrapeLoop {
  private final Vertx vertx;
  private final HttpClientAgent client;
  private final Replica replica;
  private final LoadBoard board;
  private final LoadView load;
  private final LongSupplier nanoClock;
  private final ScrapeStats stats;
  private final long intervalNanos;
  private final double jitter;
  private final long timeoutMillis;
  private final int maxBody;
  private final ParseLimits limits;
  private final RequestOptions options;
  private final SplittableRandom random;
  private long timer = -1;
  private boolean stopped;

  ScrapeLoop(Vertx vertx, HttpClientAgent client, Replica replica, ScrapeConfig config,
      LoadBoard board, LoadView load, LongSupplier nanoClock, ScrapeStats stats, long seed) {
    this.vertx = vertx;
    this.client = client;
    this.replica = replica;
    this.board = board;
    this.load = load;
    this.nanoClock = nanoClock;
    this.stats = stats;
    this.intervalNanos = config.interval().toNanos();
    this.jitter = config.jitter();
    this.timeoutMillis = Math.max(1, config.timeout().toMillis());
    this.maxBody = config.maxBody().intBytes();
    this.limits = ParseLimits.DEFAULT.withMaxInputChars(maxBody);
    this.random = new SplittableRandom(seed);
    this.options = new RequestOptions().setMethod(HttpMethod.GET)
        .setServer(replica.address()).setHost(replica.host()).setPort(replica.port())
        .setSsl(replica.tls())
        .setURI(replica.basePath() + config.path())
        .setConnectTimeout(timeoutMillis)
        // The classic text format: vLLM's prometheus_client answers OpenMetrics only when asked.
        .putHeader("accept", "text/plain;version=0.0.4;q=1,*/*;q=0.1");
  }

  /** Runs the first scrape now; {@code firstDone} completes when it ended, either way. */
  void start(Promise<Void> firstDone) {
    scrape(firstDone);
  }

  /** Cancels the timer; a scrape in flight ends without publishing or rescheduling. */
  void stop() {
    stopped = true;
    if (timer != -1) {
      vertx.cancelTimer(timer);
    }
  }

  private void scrape(Promise<Void> done) {
    timer = -1;
    if (stopped) {
      done.tryComplete();
      return;
    }
    new Scrape(done).run();
  }

  private void scheduleAfter(long startedNanos) {
    if (stopped) {
      return;
    }
    double factor = 1 + jitter * (2 * random.nextDouble() - 1);
    long due = startedNanos + (long) (intervalNanos * factor);
    long delayMillis = Math.max(1, (due - nanoClock.getAsLong()) / 1_000_000L);
    timer = vertx.setTimer(delayMillis, id -> scrape(Promise.promise()));
  }

  /** One scrape: request, bounded body, parse, publish; ends exactly once. */
  private final class Scrape {
    private final Promise<Void> done;
    private final long startedNanos = nanoClock.getAsLong();
    // The router's counts at the moment the replica is asked, paired with its answer so the
    // policy can add exactly what it dispatched since.
    private final int inFlight = load.inFlight(replica);
    private final long inFlightTokens = load.inFlightTokens(replica);
    private HttpClientRequest request;
    private Buffer body;
    private long deadline;
    private boolean ended;

    Scrape(Promise<Void> done) {
      this.done = done;
    }

    void run() {
      deadline = vertx.setTimer(timeoutMillis, id -> fail(ScrapeFailure.TIMEOUT,
          "no complete answer within " + timeoutMillis + "ms"));
      client.request(options).onComplete(this::connected);
    }

    private void connected(AsyncResult<HttpClientRequest> ar) {
      if (ar.failed()) {
        fail(ScrapeFailure.CONNECT, String.valueOf(ar.cause().getMessage()));
        return;
      }
      request = ar.result();
      if (ended) {
        request.reset();
        return;
      }
      request.exceptionHandler(t -> { });
      request.send().onComplete(this::responded);
    }

    private void responded(AsyncResult<HttpClientResponse> ar) {
      if (ended) {
        return;
      }
      if (ar.failed()) {
        fail(ScrapeFailure.RESET, String.valueOf(ar.cause().getMessage()));
        return;
      }
      HttpClientResponse resp = ar.result();
      // set before any path can reset the stream: an unhandled reset is logged as an error
      resp.exceptionHandler(t -> fail(ScrapeFailure.RESET, String.valueOf(t.getMessage())));
      if (resp.statusCode() != 200) {
        fail(ScrapeFailure.STATUS, "status " + resp.statusCode());
        return;
      }
      long declared = declaredLength(resp.getHeader("content-length"));
      if (declared > maxBody) {
        fail(ScrapeFailure.TOO_LARGE, "declared " + declared + " bytes");
        return;
      }
      body = Buffer.buffer((int) Math.max(1024, Math.min(declared, maxBody)));
      resp.handler(chunk -> {
        if (ended) {
          return;
        }
        if (body.length() + (long) chunk.length() > maxBody) {
          fail(ScrapeFailure.TOO_LARGE, "more than " + maxBody + " bytes");
          return;
        }
        body.appendBuffer(chunk);
      });
      resp.endHandler(v -> parse());
    }

    private void parse() {
      if (ended) {
        return;
      }
      ReplicaLoad snapshot;
      try {
        MetricsSnapshot m = PrometheusText.parseUtf8(body.getBytes(), limits);
        snapshot = VllmLoadReader.read(m, replica.model(), startedNanos, inFlight,
            inFlightTokens);
      } catch (PrometheusParseException e) {
        fail(ScrapeFailure.PARSE, e.getMessage());
        return;
      } catch (ScrapeException e) {
        fail(e.reason(), e.getMessage());
        return;
      }
      if (!end()) {
        return;
      }
      if (!stopped) {
        board.publish(replica, snapshot.withRecentTpot(board.get(replica)));
      }
      stats.succeeded(replica, nanoClock.getAsLong() - startedNanos);
      finish();
    }

    private void fail(ScrapeFailure reason, String detail) {
      if (!end()) {
        return;
      }
      if (request != null) {
        // Closes the connection: the next scrape starts clean on a new one.
        request.reset();
      }
      stats.failed(replica, reason, detail, nanoClock.getAsLong() - startedNanos);
      finish();
    }

    private boolean end() {
      if (ended) {
        return false;
      }
      ended = true;
      vertx.cancelTimer(deadline);
      return true;
    }

    private void finish() {
      done.tryComplete();
      scheduleAfter(startedNanos);
    }
  }

  private static long declaredLength(String header) {
    if (header == null) {
      return -1;
    }
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
