package io.fleetlb.bench.replay;

import io.fleetlb.bench.metrics.RequestOutcome;
import io.fleetlb.bench.workload.WorkloadRequest;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Replays requests open-loop: a dedicated pacer thread releases each request at its absolute
 * scheduled time to one of several event loops, which issues it on a Vert.x HTTP client whose pool
 * never caps concurrency unless asked to, and records every timestamp of its streamed answer.
 * One engine runs one workload at a time; it can be reused (calibration runs several).
 */
public final class ReplayEngine implements AutoCloseable {
  private final Vertx vertx;
  private final ReplayOptions options;
  private final HttpClient client;
  private final List<Context> contexts = new CopyOnWriteArrayList<>();
  private final Connections connections;
  private final AtomicLong connectionsOpened = new AtomicLong();
  private final AtomicInteger sent = new AtomicInteger();
  private final AtomicInteger finished = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong poolWaits = new AtomicLong();
  /** Vert.x sizes an array by the pool's maximum, so "unlimited" is a large finite number. */
  static final int DEFAULT_POOL_SIZE = 32_768;
  private final int poolSize;

  /** What a run produced; times in the outcomes are relative to {@code t0Nanos}. */
  public record Recording(long t0Nanos, long t0EpochMillis, long durationNs, List<RequestOutcome> outcomes,
      long connectionsOpened, long poolWaits) {
  }

  public ReplayEngine(Vertx vertx, ReplayOptions options) {
    this.vertx = vertx;
    this.options = options;
    HttpClientOptions http = new HttpClientOptions()
        .setKeepAlive(true)
        .setKeepAliveTimeout(120)
        .setPipelining(false)
        .setTcpNoDelay(true)
        .setDecompressionSupported(false)
        .setConnectTimeout(10_000)
        .setSsl(options.ssl())
        .setTrustAll(options.trustAll())
        .setVerifyHost(!options.trustAll())
        .setName("bench");
    // A pool far above any real concurrency (Vert.x's default is 5) and an unbounded wait queue:
    // an open-loop generator must never be capped silently; any wait beyond the cap is counted.
    this.poolSize = options.maxConnections() == 0 ? DEFAULT_POOL_SIZE : options.maxConnections();
    PoolOptions pool = new PoolOptions().setHttp1MaxSize(poolSize).setMaxWaitQueueSize(-1);
    HttpClientAgent agent = vertx.httpClientBuilder().with(http).with(pool)
        .withConnectHandler(c -> connectionsOpened.incrementAndGet()).build();
    this.client = agent;
    this.connections = options.maxConnections() == 0
        ? new KeepAliveCache(agent, options.host(), options.port(), options.ssl(), options.eventLoops(),
            options.keepAliveIdleNs())
        : new CappedPool(agent, connectionsOpened);
    CountDownLatch deployed = new CountDownLatch(1);
    vertx.deployVerticle(() -> new AbstractVerticle() {
      @Override
      public void start() {
        contexts.add(context);
      }
    }, new DeploymentOptions().setInstances(options.eventLoops())).onComplete(ar -> deployed.countDown());
    await(deployed);
  }

  /** The connection pool's size: the concurrency above which requests wait (and are counted). */
  public int poolSize() {
    return poolSize;
  }

  public HttpClient client() {
    return client;
  }

  /** Requests sent so far (for progress display). */
  public int sentCount() {
    return sent.get();
  }

  /** Requests finished so far (for progress display). */
  public int finishedCount() {
    return finished.get();
  }

  /** Runs the requests on their schedule, starting after the configured lead-in, and waits for all. */
  public Recording run(List<WorkloadRequest> requests) throws InterruptedException {
    return run(requests, System.nanoTime() + options.leadInNs());
  }

  /**
   * Runs the requests on their schedule, zero being {@code t0Nanos} on {@link System#nanoTime()}
   * (so telemetry can share the clock), and waits until every one has finished.
   */
  public Recording run(List<WorkloadRequest> requests, long t0Nanos) throws InterruptedException {
    sent.set(0);
    finished.set(0);
    poolWaits.set(0);
    long opened0 = connections.opened();
    int n = requests.size();
    long t0 = t0Nanos;
    long t0Epoch = System.currentTimeMillis() + TimeUnit.NANOSECONDS.toMillis(t0 - System.nanoTime());
    List<RequestTracker> trackers = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      trackers.add(new RequestTracker(requests.get(i), t0, i % contexts.size()));
    }
    RunState run = new RunState(n);
    HighResolutionPacer pacer = HighResolutionPacer.systemClock(options.pacerSpinNs());
    Thread pacerThread = new Thread(() -> {
      for (RequestTracker t : trackers) {
        if (!pacer.awaitUntil(t0 + t.scheduledNs)) {
          return;
        }
        contexts.get(t.contextIndex).runOnContext(v -> run.arrive(t));
      }
    }, "bench-pacer");
    pacerThread.setPriority(Thread.MAX_PRIORITY);
    pacerThread.setDaemon(true);
    pacerThread.start();
    try {
      run.done.await();
    } finally {
      pacerThread.interrupt();
    }
    pacerThread.join();
    long end = 0;
    List<RequestOutcome> outcomes = new ArrayList<>(n);
    for (RequestTracker t : trackers) {
      RequestOutcome o = t.toOutcome();
      outcomes.add(o);
      end = Math.max(end, Math.max(o.doneNs(), o.arrivalNs()));
    }
    return new Recording(t0, t0Epoch, end, outcomes, connections.opened() - opened0, poolWaits.get());
  }

  /** The bookkeeping of one run: its concurrency gate and its completion count. */
  private final class RunState {
    final ConcurrencyGate<RequestTracker> gate;
    final AtomicInteger remaining;
    final CountDownLatch done;

    RunState(int n) {
      this.remaining = new AtomicInteger(n);
      this.done = new CountDownLatch(n == 0 ? 0 : 1);
      this.gate = options.maxConcurrency() == null ? null
          : new ConcurrencyGate<>(options.maxConcurrency(), t -> onContext(t, () -> start(t)));
    }

    void arrive(RequestTracker t) {
      t.arrivalNs = t.now();
      sent.incrementAndGet();
      if (gate == null) {
        start(t);
      } else {
        gate.acquire(t);
      }
    }

    void start(RequestTracker t) {
      t.startNs = t.now();
      if (inFlight.incrementAndGet() > poolSize) {
        poolWaits.incrementAndGet();
      }
      if (options.requestTimeoutNs() > 0) {
        long ms = Math.max(1, TimeUnit.NANOSECONDS.toMillis(options.requestTimeoutNs()));
        t.timerId = vertx.setTimer(ms, id -> {
          t.timerId = -1;
          failed(t, "timeout after " + (ms / 1000.0) + " s");
          if (t.httpRequest != null) {
            t.httpRequest.reset(); // frees the server's work too, as a client giving up does
          }
        });
      }
      connections.request(t, requestOptions(t)).onComplete(ar -> {
        if (ar.failed()) {
          failed(t, TransportErrors.describe(ar.cause(), options.host(), options.port()));
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
        req.send(t.body).onComplete(rr -> {
          if (rr.failed()) {
            failed(t, TransportErrors.describe(rr.cause(), options.host(), options.port()));
          } else {
            onResponse(t, req, rr.result());
          }
        });
      });
    }

    private void onResponse(RequestTracker t, HttpClientRequest req, HttpClientResponse resp) {
      t.status = resp.statusCode();
      t.replica = resp.getHeader("x-lb-replica");
      if (t.finished) {
        req.reset();
        connections.release(t, false);
        return;
      }
      if (t.status != 200) {
        ErrorBody body = new ErrorBody();
        resp.handler(body::append);
        resp.exceptionHandler(e -> failed(t, "HTTP " + t.status + ": " + body.message()));
        resp.endHandler(v -> {
          if (t.fail("HTTP " + t.status + ": " + body.message())) {
            complete(t, true);
          }
        });
        return;
      }
      resp.handler(t::onChunk);
      resp.exceptionHandler(e -> failed(t, "connection lost after " + t.tokenEvents() + " token events: "
          + TransportErrors.describe(e, options.host(), options.port())));
      resp.endHandler(v -> {
        if (t.end()) {
          complete(t, true);
        } else {
          connections.release(t, false); // already failed (timeout): the connection may be mid-stream
        }
      });
    }

    private void failed(RequestTracker t, String reason) {
      if (t.fail(reason)) {
        complete(t, false);
      }
    }

    /** The single exit of every request: frees its timer, its slot and its count, exactly once. */
    private void complete(RequestTracker t, boolean reusable) {
      connections.release(t, reusable);
      if (t.timerId >= 0) {
        vertx.cancelTimer(t.timerId);
      }
      inFlight.decrementAndGet();
      finished.incrementAndGet();
      if (gate != null) {
        gate.release();
      }
      if (remaining.decrementAndGet() == 0) {
        done.countDown();
      }
    }
  }

  private RequestOptions requestOptions(RequestTracker t) {
    RequestOptions ro = new RequestOptions()
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

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("event loops did not start within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    connections.close();
    client.close();
  }
}
