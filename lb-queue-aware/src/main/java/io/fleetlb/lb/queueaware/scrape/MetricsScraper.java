package io.fleetlb.lb.queueaware.scrape;

import io.fleetlb.lb.policy.RouterContext;
import io.fleetlb.lb.policy.RouterExtension;
import io.fleetlb.lb.pool.PoolListener;
import io.fleetlb.lb.pool.Replica;
import io.fleetlb.lb.pool.UpstreamConnections;
import io.fleetlb.lb.queueaware.config.ScrapeConfig;
import io.fleetlb.lb.tls.UpstreamTls;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The router extension that keeps the {@link LoadBoard} fresh: one {@link ScrapeLoop} per
 * replica on the control plane's Vert.x, all on one context, sharing a small HTTP client of
 * their own (one connection per replica, never the proxy's pools). The router starts serving
 * once every replica's first scrape ended, successfully or not: a replica that cannot be scraped
 * never holds the router back, it is just judged by the router's own counts. A replica that joins
 * while the router runs gets its loop at once; one that leaves loses it and its snapshot.
 */
public final class MetricsScraper implements RouterExtension, PoolListener {
  private static final Duration[] DURATION_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(2),
      Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
      Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(500), Duration.ofSeconds(1)};

  private final LoadBoard board;
  private final ScrapeConfig config;
  private final LongSupplier nanoClock;
  /** The loops by replica; touched only on {@link #context}. */
  private final Map<Replica, ScrapeLoop> loops = new LinkedHashMap<>();
  private final Map<Replica, Timer> timers = new ConcurrentHashMap<>();
  private volatile ScrapeStats stats;
  private HttpClientAgent client;
  private Context context;
  private RouterContext router;
  private long seed;

  /**
   * A scraper publishing to {@code board}.
   *
   * @param nanoClock the clock snapshots are stamped with (the policy must use the same one)
   */
  public MetricsScraper(LoadBoard board, ScrapeConfig config, LongSupplier nanoClock) {
    this.board = Objects.requireNonNull(board, "board");
    this.config = Objects.requireNonNull(config, "config");
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
  }

  @Override
  public Future<Void> start(RouterContext ctx) {
    router = ctx;
    stats = new ScrapeStats((r, nanos) -> {
      Timer t = timers.get(r);
      if (t != null) {
        t.record(nanos, TimeUnit.NANOSECONDS);
      }
    }, nanoClock);
    int timeout = (int) Math.max(1, config.timeout().toMillis());
    client = ctx.vertx().httpClientBuilder()
        .with(UpstreamTls.apply(new HttpClientOptions(), ctx.config().upstream())
            .setKeepAlive(true).setTcpNoDelay(true)
            // Below uvicorn's 5 s keep-alive, so a connection vLLM is closing is not reused.
            .setKeepAliveTimeout(4).setConnectTimeout(timeout).setName("lb-scrape"))
        .with(new PoolOptions().setHttp1MaxSize(1).setMaxWaitQueueSize(1))
        .withConnectHandler(UpstreamConnections::quiet)
        .build();
    context = ctx.vertx().getOrCreateContext();
    seed = System.nanoTime();
    Promise<Void> started = Promise.promise();
    context.runOnContext(v -> {
      List<Future<Void>> first = new ArrayList<>();
      for (Replica r : ctx.replicas()) {
        first.add(startLoop(r));
      }
      ctx.members().addListener(this);
      Future.join(first).<Void>mapEmpty().onComplete(ar -> started.complete());
    });
    return started.future();
  }

  /** Starts a replica's loop (on the scraper's context); completes after its first scrape. */
  private Future<Void> startLoop(Replica r) {
    Promise<Void> done = Promise.promise();
    if (loops.containsKey(r)) {
      done.complete();
      return done.future();
    }
    timers.computeIfAbsent(r, x -> Timer.builder("lb.scrape.duration")
        .description("Time from sending a /metrics scrape to its end, successful or not")
        .tags(Tags.of("model", x.model(), "replica", x.id()))
        .serviceLevelObjectives(DURATION_BUCKETS).register(router.registry()));
    stats.track(r);
    ScrapeLoop loop = new ScrapeLoop(router.vertx(), client, r, config, board, router.load(),
        nanoClock, stats, seed + r.index());
    loops.put(r, loop);
    loop.start(done);
    return done.future();
  }

  @Override
  public void replicaAdded(Replica replica) {
    context.runOnContext(v -> startLoop(replica));
  }

  @Override
  public void replicaLeaving(Replica replica) {
    context.runOnContext(v -> {
      ScrapeLoop loop = loops.remove(replica);
      if (loop != null) {
        loop.stop();
      }
      board.remove(replica);
      stats.forget(replica);
      Timer t = timers.remove(replica);
      if (t != null) {
        router.registry().remove(t);
      }
    });
  }

  @Override
  public Future<Void> stop() {
    if (context == null) {
      return Future.succeededFuture();
    }
    Promise<Void> stopped = Promise.promise();
    context.runOnContext(v -> {
      loops.values().forEach(ScrapeLoop::stop);
      client.close().onComplete(ar -> stopped.complete());
    });
    return stopped.future();
  }

  /** The scrape counts (null before {@link #start}). */
  public ScrapeStats stats() {
    return stats;
  }

  /** The snapshots. */
  public LoadBoard board() {
    return board;
  }

  /** The settings. */
  public ScrapeConfig config() {
    return config;
  }
}
