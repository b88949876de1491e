package io.fleetlb.lb.proxy;

import io.fleetlb.lb.admission.Admission;
import io.fleetlb.lb.auth.Authenticator;
import io.fleetlb.lb.config.Cidr;
import io.fleetlb.lb.config.RouterConfig;
import io.fleetlb.lb.config.TimeoutsConfig;
import io.fleetlb.lb.log.AccessLog;
import io.fleetlb.lb.metrics.AdmissionMetrics;
import io.fleetlb.lb.metrics.RouterMetrics;
import io.fleetlb.lb.policy.RoutingPolicy;
import io.fleetlb.lb.pool.ModelCatalog;
import io.fleetlb.lb.pool.ReplicaPool;
import io.fleetlb.lb.tls.ServerCertificate;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * State shared by all event loops of one router: configuration, pool, policy, metrics, access
 * log, retry budget and the draining flag. Part of lb-core's wiring, not an extension point.
 */
public final class ProxyRuntime {
  final RouterConfig config;
  final ReplicaPool pool;
  final RoutingPolicy policy;
  final RouterMetrics metrics;
  final AccessLog accessLog;
  final ModelCatalog catalog;
  final LongSupplier nanoClock;
  final RetryBudget retryBudget;
  final AtomicInteger activeRequests;
  final boolean[] retryOnStatus = new boolean[600];
  // Timeouts can be changed by a configuration reload: read once per use, never cached.
  volatile TimeoutsConfig timeouts;
  volatile long connectMillis;
  volatile long firstByteMillis;
  volatile long streamIdleNanos;
  volatile long headerReadMillis;
  volatile long bodyReadMillis;
  final long maxBody;
  /** {@code ejection.stalled_after}: when a started stream counts as silent (0: never). */
  final long stalledAfterNanos;
  final HeaderFilter headers;
  /** The {@code Authorization} value sent to replicas instead of the client's, or null. */
  final String upstreamAuthorization;
  final Authenticator auth;
  final Admission admission;
  final AdmissionMetrics gateMetrics;
  /** The public listener's certificate, null without TLS. */
  final ServerCertificate certificate;
  final Forwarding forwarding;
  private volatile boolean draining;

  /**
   * Wires the shared state.
   *
   * @param activeRequests the counter of client requests in flight (also read by the metrics)
   * @param auth the client keys
   * @param admission the in-flight limits and queues
   * @param gateMetrics the meters of authentication, limits and the queue
   * @param certificate the public listener's certificate, null without TLS
   */
  public ProxyRuntime(RouterConfig config, ReplicaPool pool, RoutingPolicy policy,
      RouterMetrics metrics, AccessLog accessLog, ModelCatalog catalog, LongSupplier nanoClock,
      AtomicInteger activeRequests, Authenticator auth, Admission admission,
      AdmissionMetrics gateMetrics, ServerCertificate certificate) {
    this.config = config;
    this.pool = pool;
    this.policy = policy;
    this.metrics = metrics;
    this.accessLog = accessLog;
    this.catalog = catalog;
    this.nanoClock = nanoClock;
    this.activeRequests = activeRequests;
    this.retryBudget = new RetryBudget(config.retry().budgetPercent(),
        config.retry().minRetryConcurrency(), activeRequests::get);
    config.retry().onStatus().forEach(s -> retryOnStatus[s] = true);
    applyTimeouts(config.timeouts());
    this.maxBody = config.limits().maxBodySize().bytes();
    this.stalledAfterNanos = config.ejection().stalledAfter().toNanos();
    String upstreamMode = config.auth().upstreamMode();
    this.headers = new HeaderFilter(config.upstream().responseHeaders(),
        !upstreamMode.equals("keep"));
    this.upstreamAuthorization = upstreamMode.equals("keep") || upstreamMode.equals("strip")
        ? null : upstreamMode;
    this.auth = auth;
    this.admission = admission;
    this.gateMetrics = gateMetrics;
    this.certificate = certificate;
    this.forwarding = new Forwarding(Cidr.parseAll(config.listen().trustedProxies()));
  }

  /** The {@code Authorization} value sent to replicas instead of the client's, or null. */
  public String upstreamAuthorization() {
    return upstreamAuthorization;
  }

  /**
   * Puts new timeouts in force (a configuration reload): requests started later use them;
   * deadlines already set stay. The sweep's resolution stays what it was at start.
   */
  public void applyTimeouts(TimeoutsConfig t) {
    this.connectMillis = t.connect().toMillis();
    this.firstByteMillis = t.firstByte().toMillis();
    this.streamIdleNanos = t.streamIdle().toNanos();
    this.headerReadMillis = t.headerRead().toMillis();
    this.bodyReadMillis = t.bodyRead().toMillis();
    this.timeouts = t;
  }

  /** The timeouts in force. */
  public TimeoutsConfig timeouts() {
    return timeouts;
  }

  /** The configuration. */
  public RouterConfig config() {
    return config;
  }

  /** Starts refusing new requests and failing {@code /health}. */
  public void startDraining() {
    draining = true;
  }

  /** Whether the router is draining. */
  public boolean draining() {
    return draining;
  }

  /** Client requests in flight. */
  public int activeRequests() {
    return activeRequests.get();
  }

  /** Retries in flight (for tests and the admin view). */
  public int retriesInFlight() {
    return retryBudget.inFlight();
  }

  /** The {@code /health} status: 200 when serving, 503 when draining or nothing can serve. */
  int healthStatus() {
    return !draining && pool.anyAvailable() ? 200 : 503;
  }

  /** The {@code /health} body. */
  Buffer healthBody() {
    String status = draining ? "draining" : pool.anyAvailable() ? "ok" : "no_healthy_replica";
    return new JsonObject().put("status", status).toBuffer();
  }
}
