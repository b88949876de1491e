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
  private static final long CARD_RETRY_NANOS = 30_000_000_000L;
  private static final int MAX_CARD_BYTES = 1024 * 1024;

  private final boolean[] probing;
  /** When each replica's model card was last asked for (0: never); guarded by this. */
  private final long[] cardAskedAt;
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
    this.cardAskedAt = new long[pool.replicas().size()];
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
    long last = cardAskedAt[r.index()];
    if (last != 0 && now - last < CARD_RETRY_NANOS) {
      return false;
    }
    cardAskedAt[r.index()] = now;
    return true;
  }

  /**
   * Asks a replica for its {@code /v1/models}, bounded in time and size: the probe timeout is a
   * deadline for the whole answer (an idle timeout would not stop an endless trickle).
   */
  private void fetchCard(Replica r) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET)
        .setServer(r.address()).setHost(r.host()).setPort(r.port())
        .setURI(r.basePath() + "/v1/models").setTimeout(config.timeout().toMillis());
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
