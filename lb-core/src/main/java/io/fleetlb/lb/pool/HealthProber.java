package io.fleetlb.lb.pool;

import io.fleetlb.lb.config.HealthCheckConfig;
import io.fleetlb.lb.config.UpstreamConfig;
import io.fleetlb.lb.tls.UpstreamTls;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes every replica's health path on a timer and feeds the results to the pool: every
 * {@code interval} normally, every {@code fast_interval} while a replica is ejected or its last
 * probe failed. It also ends ejections when probing is off, watches for stalled replicas (see
 * {@link #watchStalls}), and fetches each model's card for {@code /v1/models}. At most one probe
 * per replica is in flight.
 */
public final class HealthProber implements PoolListener {
  private static final Logger LOG = LoggerFactory.getLogger(HealthProber.class);

  private final Vertx vertx;
  /**
   * Where every probe runs: one event loop. A request made from one loop whose connection lives
   * on another can have its small answer end before the handlers are set on the caller's loop,
   * and then never complete (seen as a router start that hung on its first probe round).
   */
  private volatile Context context;
  private final ReplicaPool pool;
  private final HealthCheckConfig config;
  private final ModelCatalog catalog;
  private final BiConsumer<Replica, Boolean> onProbe;
  private static final long CARD_RETRY_NANOS = 30_000_000_000L;
  private static final int MAX_CARD_BYTES = 1024 * 1024;

  /** Each member's probe bookkeeping; guarded by this. */
  private final Map<Replica, ProbeState> probes = new HashMap<>();
  private final long stalledAfterNanos;
  private final UpstreamConfig upstream;
  /** Sent with {@code /v1/models} (under vLLM's {@code --api-key}); null for none. */
  private final String upstreamAuthorization;
  private HttpClientAgent client;
  private long timer = -1;
  private long stallTimer = -1;
  private long reapTimer = -1;
  private volatile boolean stopped;

  /**
   * Creates the prober; nothing happens before {@link #start}.
   *
   * @param onProbe told about every probe result (for metrics)
   */
  public HealthProber(Vertx vertx, ReplicaPool pool, HealthCheckConfig config,
      Duration stalledAfter, UpstreamConfig upstream, String upstreamAuthorization,
      ModelCatalog catalog, BiConsumer<Replica, Boolean> onProbe) {
    this.vertx = vertx;
    this.pool = pool;
    this.config = config;
    this.stalledAfterNanos = stalledAfter.toNanos();
    this.upstream = upstream;
    this.upstreamAuthorization = upstreamAuthorization;
    this.catalog = catalog;
    this.onProbe = onProbe;
    pool.addListener(this);
  }

  /** Runs the first probe round (which decides the initial health) and starts the timer. */
  public Future<Void> start() {
    context = vertx.getOrCreateContext();
    Promise<Void> started = Promise.promise();
    context.runOnContext(v -> startHere().onComplete(started));
    return started.future();
  }

  private Future<Void> startHere() {
    int n = Math.max(1, pool.replicas().size());
    client = vertx.httpClientBuilder()
        .with(UpstreamTls.apply(new HttpClientOptions(), upstream).setKeepAlive(true)
            .setTcpNoDelay(true)
            .setConnectTimeout((int) config.timeout().toMillis()).setName("lb-health"))
        .with(new PoolOptions().setHttp1MaxSize(2).setMaxWaitQueueSize(n))
        .withConnectHandler(UpstreamConnections::quiet)
        .build();
    if (stalledAfterNanos > 0) {
      long period = Math.max(50, Math.min(1000, stalledAfterNanos / 5_000_000L));
      stallTimer = vertx.setPeriodic(period, id -> watchStalls());
    }
    // Replicas that left are forgotten once their last request ended.
    reapTimer = vertx.setPeriodic(1000, id -> pool.reapRemoved());
    if (!config.enabled()) {
      return Future.succeededFuture();
    }
    List<Future<Void>> round = new ArrayList<>();
    pool.replicas().forEach(r -> round.add(probe(r, false)));
    return Future.join(round).<Void>mapEmpty().onComplete(ar -> {
      if (!stopped) {
        timer = vertx.setPeriodic(config.fastInterval().toMillis(), id -> probeDue());
      }
    });
  }

  /**
   * Finds replicas that went silent with requests in flight. One whose started streams are mostly
   * silent while none of its older streams (those that had run for {@code stalled_after}) still
   * flows, or that sent no byte at all with a started stream in flight, is stalled (vLLM emits a
   * chunk every engine step for each running request): it is ejected at once. A replica whose
   * older streams flow while its newer ones are silent is preempting for lack of KV cache, as vLLM
   * does under overload, and is kept. One with only requests that have not answered yet may simply
   * be busy, so it is probed at once; a failed probe ejects it. Either way its requests that have
   * sent nothing to their client are retried elsewhere (see the proxy's ejection handling).
   */
  void watchStalls() {
    for (Replica r : pool.replicas()) {
      int started = pool.streamsStarted(r);
      int silent = pool.streamsSilent(r);
      if (silent > 0 && silent * 2 > started && !pool.ejected(r)
          && !pool.servesMatureStreams(r, stalledAfterNanos)) {
        // New streams may still get their first tokens (a replica that hangs each stream after
        // a few tokens), but most of those it runs went silent and none of its older ones
        // flows: it is not serving. (vLLM preempts its newest streams when KV cache runs out;
        // its oldest keep flowing.)
        LOG.warn("replica {} ({}) stalled: {} of its {} streams silent for {} ms", r.id(),
            r.model(), silent, started, stalledAfterNanos / 1_000_000);
        pool.ejectNow(r, Ejection.Cause.STALLED);
        continue;
      }
      if (!pool.claimSuspicion(r, stalledAfterNanos)) {
        continue;
      }
      if (pool.streamsStarted(r) > 0) {
        LOG.warn("replica {} ({}) stalled: streams in flight and no byte from it for {} ms",
            r.id(), r.model(), stalledAfterNanos / 1_000_000);
        pool.ejectNow(r, Ejection.Cause.STALLED);
      } else if (config.enabled()) {
        probe(r, true);
      }
    }
  }

  /** Stops the timer and closes the probe client. */
  public Future<Void> stop() {
    stopped = true;
    if (timer != -1) {
      vertx.cancelTimer(timer);
    }
    if (stallTimer != -1) {
      vertx.cancelTimer(stallTimer);
    }
    if (reapTimer != -1) {
      vertx.cancelTimer(reapTimer);
    }
    return client == null ? Future.succeededFuture() : client.close();
  }

  private void probeDue() {
    long now = System.nanoTime();
    for (Replica r : pool.replicas()) {
      if (due(r, now)) {
        probe(r, false);
      }
    }
  }

  /** One replica's probe bookkeeping. */
  private static final class ProbeState {
    boolean probing;
    /** A suspicion arose while a routine probe was in flight: that probe counts as suspect. */
    boolean suspectPending;
    /** When the next routine probe is due ({@link System#nanoTime}). */
    long nextProbeAt;
    /** When the model card was last asked for (0: never). */
    long cardAskedAt;
  }

  private ProbeState probeState(Replica r) {
    return probes.computeIfAbsent(r, x -> new ProbeState());
  }

  private synchronized boolean due(Replica r, long now) {
    return now - probeState(r).nextProbeAt >= 0;
  }

  /** Schedules the replica's next routine probe: soon while it is out or failing. */
  private synchronized void scheduleNext(Replica r, boolean pass) {
    boolean fast = !pass || pool.ejected(r) || !pool.healthy(r);
    Duration wait = fast ? config.fastInterval() : config.interval();
    // Due slightly early, so a probe lands on the tick just before the interval ends.
    probeState(r).nextProbeAt = System.nanoTime() + wait.toNanos() - 5_000_000L;
  }

  private synchronized boolean claim(Replica r, boolean suspect) {
    if (stopped) {
      return false;
    }
    ProbeState p = probeState(r);
    if (p.probing) {
      p.suspectPending |= suspect;
      return false;
    }
    p.probing = true;
    return true;
  }

  /** Ends the replica's probe; returns whether a suspicion arose while it was in flight. */
  private synchronized boolean release(Replica r) {
    ProbeState p = probeState(r);
    p.probing = false;
    boolean s = p.suspectPending;
    p.suspectPending = false;
    return s;
  }

  /**
   * Probes one replica; the future completes (never fails) when the result is recorded. A
   * {@code suspect} probe's failure makes the replica unhealthy and ejects it at once.
   */
  Future<Void> probe(Replica r, boolean suspicion) {
    Context here = context;
    if (here != null && Vertx.currentContext() != here) {
      Promise<Void> done = Promise.promise();
      here.runOnContext(v -> probeHere(r, suspicion).onComplete(done));
      return done.future();
    }
    return probeHere(r, suspicion);
  }

  private Future<Void> probeHere(Replica r, boolean suspicion) {
    if (!claim(r, suspicion)) {
      return Future.succeededFuture();
    }
    long timeout = config.timeout().toMillis();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET)
        .setServer(r.address()).setHost(r.host()).setPort(r.port()).setSsl(r.tls())
        .setURI(r.basePath() + config.path()).setTimeout(timeout);
    return client.request(options)
        .compose(req -> req.send())
        .compose(resp -> resp.body().map(b -> resp.statusCode() == 200))
        .otherwise(false)
        .map(pass -> {
          boolean suspect = release(r) || suspicion;
          if (!stopped) {
            onProbe.accept(r, pass);
            pool.recordProbe(r, pass, config.healthyThreshold(), config.unhealthyThreshold(),
                suspect);
            scheduleNext(r, pass);
            if (suspect && !pass) {
              LOG.warn("replica {} ({}) unresponsive: no progress on its requests for {} ms and"
                  + " its health probe failed", r.id(), r.model(), stalledAfterNanos / 1_000_000);
              pool.ejectNow(r, Ejection.Cause.UNRESPONSIVE);
            }
            if (pass && catalog.needsCard(r.model()) && claimCardFetch(r)) {
              fetchCard(r);
            }
          }
          return null;
        });
  }

  /** At most one card request per replica every 30 s, so a bad replica cannot tie up probes. */
  private synchronized boolean claimCardFetch(Replica r) {
    long now = System.nanoTime();
    ProbeState p = probeState(r);
    long last = p.cardAskedAt;
    if (last != 0 && now - last < CARD_RETRY_NANOS) {
      return false;
    }
    p.cardAskedAt = now;
    return true;
  }

  /**
   * Asks a replica for its {@code /v1/models}, bounded in time and size: the probe timeout is a
   * deadline for the whole answer (an idle timeout would not stop an endless trickle).
   */
  private void fetchCard(Replica r) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET)
        .setServer(r.address()).setHost(r.host()).setPort(r.port()).setSsl(r.tls())
        .setURI(r.basePath() + "/v1/models").setTimeout(config.timeout().toMillis());
    if (upstreamAuthorization != null) {
      options.putHeader("authorization", upstreamAuthorization);
    }
    client.request(options)
        .compose(req -> {
          long deadline = vertx.setTimer(config.timeout().toMillis(), t -> req.reset());
          return req.send().compose(resp -> {
            resp.exceptionHandler(t -> { });
            String length = resp.getHeader("content-length");
            if (resp.statusCode() != 200
                || (length != null && length.length() > 7)) {
              req.reset();
              return Future.<io.vertx.core.buffer.Buffer>failedFuture("no usable card");
            }
            return resp.body();
          }).andThen(ar -> vertx.cancelTimer(deadline));
        })
        .onSuccess(body -> {
          if (body.length() > MAX_CARD_BYTES) {
            return;
          }
          try {
            catalog.offer(r.model(), new JsonObject(body));
          } catch (RuntimeException e) {
            LOG.debug("replica {} answered /v1/models with a body that is not JSON", r.id());
          }
        });
  }

  @Override
  public void ejected(Replica replica, Ejection ejection) {
    if (config.enabled()) {
      LOG.warn("replica {} ({}) ejected ({}, ejection #{}); it returns after {} passing probes",
          replica.id(), replica.model(), ejection.cause().label(), ejection.count(),
          config.healthyThreshold());
    } else {
      LOG.warn("replica {} ({}) ejected for {} ms ({}, ejection #{})", replica.id(),
          replica.model(), ejection.duration().toMillis(), ejection.cause().label(),
          ejection.count());
    }
    if (stopped) {
      return;
    }
    if (config.enabled()) {
      synchronized (this) {
        probeState(replica).nextProbeAt = System.nanoTime() + config.fastInterval().toNanos();
      }
    } else {
      vertx.setTimer(Math.max(1, ejection.duration().toMillis()), id -> pool.readmit(replica));
    }
  }

  /** A replica that joined is probed at once: it serves only once a probe passed. */
  @Override
  public void replicaAdded(Replica replica) {
    LOG.info("replica {} ({}) joined at {}", replica.id(), replica.model(), replica.config().url());
    if (stopped) {
      return;
    }
    if (config.enabled()) {
      vertx.runOnContext(v -> probe(replica, false));
    } else {
      pool.markProbed(replica);
    }
  }

  @Override
  public void replicaLeaving(Replica replica) {
    LOG.info("replica {} ({}) left; {} requests in flight finish there", replica.id(),
        replica.model(), pool.inFlight(replica));
  }

  @Override
  public synchronized void replicaRemoved(Replica replica) {
    probes.remove(replica);
  }

  @Override
  public void ejectionSkipped(Replica replica) {
    LOG.warn("replica {} ({}) kept despite consecutive failures: the model's ejected share is at"
        + " its cap", replica.id(), replica.model());
  }

  @Override
  public void readmitted(Replica replica) {
    LOG.info("replica {} ({}) readmitted", replica.id(), replica.model());
  }

  @Override
  public void healthChanged(Replica replica, boolean healthy) {
    if (healthy) {
      LOG.info("replica {} ({}) is healthy", replica.id(), replica.model());
    } else {
      LOG.warn("replica {} ({}) is unhealthy: {} failed", replica.id(), replica.model(),
          config.path());
    }
  }
}
