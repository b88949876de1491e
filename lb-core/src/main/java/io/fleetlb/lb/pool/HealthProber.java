package io.fleetlb.lb.pool;

import io.fleetlb.lb.config.HealthCheckConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes every replica's health path on a timer and feeds the results to the pool; also ends
 * ejections (with a probe when probing is on, directly when it is off) and fetches each model's
 * card for {@code /v1/models}. At most one probe per replica is in flight.
 */
public final class HealthProber implements PoolListener {
  private static final Logger LOG = LoggerFactory.getLogger(HealthProber.class);

  private final Vertx vertx;
  private final ReplicaPool pool;
  private final HealthCheckConfig config;
  private final ModelCatalog catalog;
  private final BiConsumer<Replica, Boolean> onProbe;
  private final boolean[] probing;
  private HttpClientAgent client;
  private long timer = -1;
  private volatile boolean stopped;

  /**
   * Creates the prober; nothing happens before {@link #start}.
   *
   * @param onProbe told about every probe result (for metrics)
   */
  public HealthProber(Vertx vertx, ReplicaPool pool, HealthCheckConfig config,
      ModelCatalog catalog, BiConsumer<Replica, Boolean> onProbe) {
    this.vertx = vertx;
    this.pool = pool;
    this.config = config;
    this.catalog = catalog;
    this.onProbe = onProbe;
    this.probing = new boolean[pool.replicas().size()];
    pool.addListener(this);
  }

  /** Runs the first probe round (which decides the initial health) and starts the timer. */
  public Future<Void> start() {
    int n = Math.max(1, pool.replicas().size());
    client = vertx.httpClientBuilder()
        .with(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
            .setConnectTimeout((int) config.timeout().toMillis()).setName("lb-health"))
        .with(new PoolOptions().setHttp1MaxSize(2).setMaxWaitQueueSize(n))
        .build();
    if (!config.enabled()) {
      return Future.succeededFuture();
    }
    List<Future<Void>> round = new ArrayList<>();
    pool.replicas().forEach(r -> round.add(probe(r)));
    return Future.join(round).<Void>mapEmpty().onComplete(ar -> {
      if (!stopped) {
        timer = vertx.setPeriodic(config.interval().toMillis(), id -> probeAll());
      }
    });
  }

  /** Stops the timer and closes the probe client. */
  public Future<Void> stop() {
    stopped = true;
    if (timer != -1) {
      vertx.cancelTimer(timer);
    }
    return client == null ? Future.succeededFuture() : client.close();
  }

  private void probeAll() {
    pool.replicas().forEach(this::probe);
  }

  private synchronized boolean claim(Replica r) {
    if (probing[r.index()] || stopped) {
      return false;
    }
    probing[r.index()] = true;
    return true;
  }

  private synchronized void release(Replica r) {
    probing[r.index()] = false;
  }

  /** Probes one replica; the future completes (never fails) when the result is recorded. */
  Future<Void> probe(Replica r) {
    if (!claim(r)) {
      return Future.succeededFuture();
    }
    long timeout = config.timeout().toMillis();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET)
        .setServer(r.address()).setHost(r.host()).setPort(r.port())
        .setURI(r.basePath() + config.path()).setTimeout(timeout);
    return client.request(options)
        .compose(req -> req.send())
        .compose(resp -> resp.body().map(b -> resp.statusCode() == 200))
        .otherwise(false)
        .map(pass -> {
          release(r);
          if (!stopped) {
            onProbe.accept(r, pass);
            pool.recordProbe(r, pass, config.healthyThreshold(), config.unhealthyThreshold());
            if (pass && catalog.needsCard(r.model())) {
              fetchCard(r);
            }
          }
          return null;
        });
  }

  private void fetchCard(Replica r) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET)
        .setServer(r.address()).setHost(r.host()).setPort(r.port())
        .setURI(r.basePath() + "/v1/models").setTimeout(config.timeout().toMillis());
    client.request(options)
        .compose(req -> req.send())
        .compose(resp -> resp.statusCode() == 200 ? resp.body() : Future.failedFuture("status"))
        .onSuccess(body -> {
          try {
            catalog.offer(r.model(), new JsonObject(body));
          } catch (RuntimeException e) {
            LOG.debug("replica {} answered /v1/models with a body that is not JSON", r.id());
          }
        });
  }

  @Override
  public void ejected(Replica replica, Duration duration, int ejections) {
    LOG.warn("replica {} ({}) ejected for {} ms after consecutive failures (ejection #{})",
        replica.id(), replica.model(), duration.toMillis(), ejections);
    if (stopped) {
      return;
    }
    vertx.setTimer(Math.max(1, duration.toMillis()), id -> {
      if (config.enabled()) {
        probe(replica);
      } else {
        pool.readmit(replica);
      }
    });
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
