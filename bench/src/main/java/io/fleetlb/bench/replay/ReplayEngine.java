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
import io.vertx.core.http.PoolOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Replays requests open-loop: each of several event loops releases its share of the requests at
 * their absolute scheduled times from its own timer ({@link LoopPacer}; a dedicated pacer thread on
 * the NIO transport, whose loop timers are coarse) and issues each at once ({@link RequestFlow}) on
 * a keep-alive connection that nothing caps unless asked to, and records every timestamp of its
 * streamed answer. A multi-turn session's later turns are not on that schedule: each is released by
 * a {@link TurnPacer} once its previous turn ended plus its think time. One engine runs one
 * workload at a time; it can be reused (calibration runs several).
 */
public final class ReplayEngine implements AutoCloseable {
  private final Vertx vertx;
  private final ReplayOptions options;
  private final HttpClient client;
  private final List<Context> contexts = new CopyOnWriteArrayList<>();
  private final Connections connections;
  private final AtomicLong connectionsOpened = new AtomicLong();
  private final RequestFlow.Counters counters;

  /** Vert.x sizes an array by the pool's maximum, so "unlimited" is a large finite number. */
  static final int DEFAULT_POOL_SIZE = 32_768;

  private final int poolSize;

  /**
   * What a run produced; times in the outcomes are relative to {@code t0Nanos}. {@code
   * staleRetries} counts requests resent once because a reused keep-alive connection had been
   * closed by the server.
   */
  public record Recording(
      long t0Nanos,
      long t0EpochMillis,
      long durationNs,
      List<RequestOutcome> outcomes,
      long connectionsOpened,
      long poolWaits,
      long staleRetries,
      LagAttribution lags) {}

  public ReplayEngine(Vertx vertx, ReplayOptions options) {
    this.vertx = vertx;
    this.options = options;
    HttpClientOptions http =
        new HttpClientOptions()
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
    this.counters = new RequestFlow.Counters(poolSize);
    PoolOptions pool = new PoolOptions().setHttp1MaxSize(poolSize).setMaxWaitQueueSize(-1);
    HttpClientAgent agent =
        vertx
            .httpClientBuilder()
            .with(http)
            .with(pool)
            .withConnectHandler(c -> connectionsOpened.incrementAndGet())
            .build();
    this.client = agent;
    this.connections =
        options.maxConnections() == 0
            ? new KeepAliveCache(
                agent,
                options.host(),
                options.port(),
                options.ssl(),
                options.eventLoops(),
                options.keepAliveIdleNs())
            : new CappedPool(agent, connectionsOpened);
    CountDownLatch deployed = new CountDownLatch(1);
    vertx
        .deployVerticle(
            () ->
                new AbstractVerticle() {
                  @Override
                  public void start() {
                    contexts.add(context);
                  }
                },
            new DeploymentOptions().setInstances(options.eventLoops()))
        .onComplete(ar -> deployed.countDown());
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
    return counters.sent.get();
  }

  /** Requests finished so far (for progress display). */
  public int finishedCount() {
    return counters.finished.get();
  }

  /**
   * Every how many takes of an idle keep-alive connection a warm-up closes the one it took instead
   * of reusing it: often enough that the connection close path (and the opening of the next one)
   * is in the JIT's profiles before the hot path is compiled.
   */
  static final int WARMUP_RETIRE_EVERY = 50;

  /**
   * Runs the requests as {@link #run(List)} does, closing every {@value #WARMUP_RETIRE_EVERY}th
   * idle connection taken for a request (the request opens a new one). A warm-up that only reuses
   * keep-alive connections leaves the close path out of the JIT's profiles; the first connection
   * closed later (one idle past the keep-alive window, a server's close) then sends new types and
   * branches through the compiled write, flush and promise code of both event loops, which is
   * thrown away (34 uncommon traps within 2 ms, 19 C2-compiled methods "made not entrant",
   * docs/benchmarks.md) and runs interpreted until compiled again: at 2,000 req/s a 250-370 ms
   * stall of the schedule, in 5 of 7 calibrations before this warm-up.
   */
  public Recording warmUp(List<WorkloadRequest> requests) throws InterruptedException {
    connections.retireEvery(WARMUP_RETIRE_EVERY);
    try {
      return run(requests);
    } finally {
      connections.retireEvery(0);
    }
  }

  /**
   * Runs the requests on their schedule, starting after the configured lead-in, and waits for all.
   */
  public Recording run(List<WorkloadRequest> requests) throws InterruptedException {
    return run(requests, System.nanoTime() + options.leadInNs());
  }

  /**
   * Runs the requests on their schedule, zero being {@code t0Nanos} on {@link System#nanoTime()}
   * (so telemetry can share the clock), and waits until every one has finished.
   */
  public Recording run(List<WorkloadRequest> requests, long t0Nanos) throws InterruptedException {
    counters.reset();
    long opened0 = connections.opened();
    int n = requests.size();
    long t0 = t0Nanos;
    long t0Epoch =
        System.currentTimeMillis() + TimeUnit.NANOSECONDS.toMillis(t0 - System.nanoTime());
    List<RequestTracker> trackers = new ArrayList<>(n);
    java.util.Map<Integer, RequestTracker> lastTurn = new java.util.HashMap<>();
    for (int i = 0; i < n; i++) {
      RequestTracker t = new RequestTracker(requests.get(i), t0, i % contexts.size());
      trackers.add(t);
      linkTurn(t, lastTurn);
    }
    RequestFlow[] flow = new RequestFlow[1];
    TurnPacer turns =
        lastTurn.isEmpty()
            ? null
            : new TurnPacer(
                t0,
                options.pacerSpinNs(),
                t -> contexts.get(t.contextIndex).runOnContext(v -> flow[0].arrive(t)));
    RequestFlow run =
        new RequestFlow(
            vertx, options, connections, contexts, counters, n, turns == null ? null : turns::due);
    flow[0] = run;
    List<LoopPacer> loopPacers = new ArrayList<>();
    Thread pacerThread = null;
    if (LoopPacer.precise(vertx)) {
      for (int c = 0; c < contexts.size(); c++) {
        List<RequestTracker> mine = new ArrayList<>();
        for (RequestTracker t : trackers) {
          if (t.contextIndex == c && !t.request.dependent()) {
            mine.add(t);
          }
        }
        loopPacers.add(new LoopPacer(contexts.get(c), mine, t0, run::arrive));
      }
      loopPacers.forEach(LoopPacer::start);
    } else {
      pacerThread = pacerThread(trackers, t0, run);
      pacerThread.start();
    }
    try {
      run.awaitDone();
    } finally {
      loopPacers.forEach(LoopPacer::stop);
      if (pacerThread != null) {
        pacerThread.interrupt();
      }
      if (turns != null) {
        turns.close();
      }
    }
    if (pacerThread != null) {
      pacerThread.join();
    }
    long end = 0;
    List<RequestOutcome> outcomes = new ArrayList<>(n);
    for (RequestTracker t : trackers) {
      RequestOutcome o = t.toOutcome();
      outcomes.add(o);
      end = Math.max(end, Math.max(o.doneNs(), o.arrivalNs()));
    }
    return new Recording(
        t0,
        t0Epoch,
        end,
        outcomes,
        connections.opened() - opened0,
        counters.poolWaits.get(),
        counters.staleRetries.get(),
        lags(trackers, t0));
  }

  /** The run's lag attribution, and with {@code -Dbench.lag-dump=FILE} every request's times. */
  private static LagAttribution lags(List<RequestTracker> trackers, long t0) {
    LagAttribution.dump(trackers, t0, System.getProperty("bench.lag-dump", ""));
    return LagAttribution.of(trackers, t0);
  }

  /**
   * The schedule on a thread of its own, for the NIO transport whose loop timers quantize to a
   * millisecond: it parks, spins the last {@code --pacer-spin} and hands each request to its loop.
   */
  private Thread pacerThread(List<RequestTracker> trackers, long t0, RequestFlow run) {
    HighResolutionPacer pacer = HighResolutionPacer.systemClock(options.pacerSpinNs());
    Thread pacerThread =
        new Thread(
            () -> {
              for (RequestTracker t : trackers) {
                if (t.request.dependent()) {
                  continue; // due when its previous turn ends: the turn pacer releases it
                }
                if (!pacer.awaitUntil(t0 + t.scheduledNs)) {
                  return;
                }
                t.releasedNs = System.nanoTime() - t0;
                contexts.get(t.contextIndex).runOnContext(v -> run.arrive(t));
              }
            },
            "bench-pacer");
    pacerThread.setPriority(Thread.MAX_PRIORITY);
    pacerThread.setDaemon(true);
    return pacerThread;
  }

  /** Chains a session's turns: each later turn hangs off the previous one, which releases it. */
  private static void linkTurn(RequestTracker t, java.util.Map<Integer, RequestTracker> lastTurn) {
    WorkloadRequest.Turn turn = t.request.turn();
    if (turn == null) {
      return;
    }
    RequestTracker previous = lastTurn.put(turn.sessionId(), t);
    int expected = previous == null ? 0 : previous.request.turn().turnIndex() + 1;
    if (turn.turnIndex() != expected) {
      throw new IllegalArgumentException(
          "request "
              + t.request.index()
              + ": session "
              + turn.sessionId()
              + " turn "
              + turn.turnIndex()
              + " follows turn "
              + (expected - 1)
              + " (a session's turns must come in order from 0)");
    }
    if (previous != null) {
      previous.next = t;
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
