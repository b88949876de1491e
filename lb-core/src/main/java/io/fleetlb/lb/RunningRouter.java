package io.fleetlb.lb;

import io.fleetlb.lb.config.ReplicaConfig;
import io.fleetlb.lb.config.RestartSections;
import io.fleetlb.lb.config.RouterConfig;
import io.fleetlb.lb.discovery.Discoveries;
import io.fleetlb.lb.log.AccessLog;
import io.fleetlb.lb.policy.LoadView;
import io.fleetlb.lb.policy.RouterExtension;
import io.fleetlb.lb.pool.HealthProber;
import io.fleetlb.lb.pool.Replica;
import io.fleetlb.lb.pool.ReplicaPool;
import io.fleetlb.lb.proxy.ProxyRuntime;
import io.fleetlb.lb.proxy.ProxyVerticle;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A started router: its actual ports, its live state for tests and operators, and the way to
 * stop it, {@link #drain} (graceful) or {@link #close} (at once).
 */
public final class RunningRouter {
  private static final Logger LOG = LoggerFactory.getLogger(RunningRouter.class);
  private static final long POLL_MS = 20;

  private final RouterConfig config;
  /** The configuration in force, with the sections a reload changed. */
  private RouterConfig current;
  private final Vertx vertx;
  private final Vertx control;
  private final boolean ownVertx;
  private final ProxyRuntime runtime;
  private final ReplicaPool pool;
  private final PrometheusMeterRegistry registry;
  private final HealthProber prober;
  private final AccessLog accessLog;
  private final JvmGcMetrics gc;
  private final State state;
  private Future<Void> stopping;

  /** What start-up produced, filled in step by step (so a failed start can be undone). */
  static final class State {
    volatile ProxyRuntime runtime;
    final List<String> dataDeployments = new CopyOnWriteArrayList<>();
    final List<String> controlDeployments = new CopyOnWriteArrayList<>();
    final List<ProxyVerticle> proxies = new CopyOnWriteArrayList<>();
    final List<RouterExtension> started = new CopyOnWriteArrayList<>();
    /** Run when the router stops (timers of the control plane). */
    final List<Runnable> onStop = new CopyOnWriteArrayList<>();
    volatile Discoveries discoveries;
    volatile int port = -1;
    volatile int adminPort = -1;
  }

  RunningRouter(RouterConfig config, Vertx vertx, Vertx control, boolean ownVertx,
      ProxyRuntime runtime,
      ReplicaPool pool, PrometheusMeterRegistry registry, HealthProber prober,
      AccessLog accessLog, JvmGcMetrics gc, State state) {
    this.config = config;
    this.current = config;
    this.vertx = vertx;
    this.control = control;
    this.ownVertx = ownVertx;
    this.runtime = runtime;
    this.pool = pool;
    this.registry = registry;
    this.prober = prober;
    this.accessLog = accessLog;
    this.gc = gc;
    this.state = state;
  }

  /** The public listener's actual port (useful when configured as 0). */
  public int port() {
    return state.port;
  }

  /** The admin listener's actual port. */
  public int adminPort() {
    return state.adminPort;
  }

  /**
   * {@code http://<host>:<port>} of the public listener ({@code https} with TLS; loopback when
   * bound to all addresses).
   */
  public URI baseUri() {
    return URI.create((config.tls() != null ? "https://" : "http://")
        + connectHost(config.listen().host()) + ":" + port());
  }

  /** {@code http://<host>:<port>} of the admin listener. */
  public URI adminUri() {
    return URI.create("http://" + connectHost(config.admin().host()) + ":" + adminPort());
  }

  /** The configuration it runs with, including what a reload changed. */
  public synchronized RouterConfig config() {
    return current;
  }

  /** The replicas, their health and exact counts. */
  public ReplicaPool pool() {
    return pool;
  }

  /** The per-replica counts policies see. */
  public LoadView load() {
    return pool;
  }

  /** The registry behind {@code /metrics}. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The Vert.x instance serving requests (the data plane). */
  public Vertx vertx() {
    return vertx;
  }

  /** The Vert.x instance of probes, the admin listener and extensions (the control plane). */
  public Vertx controlVertx() {
    return control;
  }

  /** Client requests in flight now. */
  public int activeRequests() {
    return runtime.activeRequests();
  }

  /** The router's open connections (idle or in use) to a replica, over all event loops. */
  public Future<Integer> upstreamConnections(Replica replica) {
    List<Future<Integer>> each = new ArrayList<>();
    state.proxies.forEach(p -> each.add(p.upstreamConnections(replica)));
    return Future.all(each).map(all -> each.stream().mapToInt(Future::result).sum());
  }

  /** Retries in flight now (each holds a retry-budget slot). */
  public int retriesInFlight() {
    return runtime.retriesInFlight();
  }

  /** Whether {@link #drain} or {@link #close} has begun. */
  public boolean draining() {
    return runtime.draining();
  }

  /**
   * Applies a new configuration read while the router runs (SIGHUP, a changed file): the
   * {@code replicas:} list (added replicas join after a passing probe, removed ones finish what
   * they have in flight, changed ones are replaced) and {@code timeouts:} take effect; every other
   * changed section is named in the result as needing a restart. The configuration must be valid
   * already (it was loaded by the same loader).
   *
   * @return one line per change, for the log
   */
  public synchronized List<String> reload(RouterConfig next) {
    List<String> out = new ArrayList<>();
    if (!next.replicas().equals(current.replicas())) {
      state.discoveries.setStatic(next.replicas());
      out.add("replicas: " + describe(current.replicas(), next.replicas()));
    }
    if (!next.timeouts().equals(current.timeouts())) {
      runtime.applyTimeouts(next.timeouts());
      out.add("timeouts: applied");
    }
    for (String section : RestartSections.changed(current, next)) {
      out.add(section + ": changed; takes effect after a restart");
    }
    current = new RouterConfig(next.source(), current.listen(), current.admin(), next.replicas(),
        next.timeouts(), current.retry(), current.ejection(), current.healthCheck(),
        current.limits(), current.upstream(), current.drain(), current.accessLog(),
        current.auth(), current.admission(), current.tls(), current.discovery(),
        current.sections());
    return out;
  }

  private static String describe(List<ReplicaConfig> before, List<ReplicaConfig> after) {
    Set<String> was = new HashSet<>();
    before.forEach(r -> was.add(r.id()));
    Set<String> now = new HashSet<>();
    after.forEach(r -> now.add(r.id()));
    List<String> parts = new ArrayList<>();
    after.stream().filter(r -> !was.contains(r.id())).forEach(r -> parts.add("+" + r.id()));
    before.stream().filter(r -> !now.contains(r.id())).forEach(r -> parts.add("-" + r.id()));
    after.stream().filter(r -> was.contains(r.id()) && !before.contains(r))
        .forEach(r -> parts.add("~" + r.id()));
    return String.join(" ", parts);
  }

  /** Drains with the configured {@code drain.timeout}. */
  public Future<Void> drain() {
    return drain(config.drain().timeout());
  }

  /**
   * Drains and stops: {@code /health} turns 503 and new requests get 503 with
   * {@code Retry-After} at once; requests in flight may finish for up to {@code timeout}, then
   * the rest are ended with an error; then the listeners, extensions and Vert.x (if the router
   * created it) are closed. Idempotent: later calls return the same future.
   */
  public synchronized Future<Void> drain(Duration timeout) {
    if (stopping != null) {
      return stopping;
    }
    runtime.startDraining();
    Promise<Void> drained = Promise.promise();
    long deadline = System.nanoTime() + timeout.toNanos();
    if (runtime.activeRequests() > 0) {
      LOG.info("draining: {} requests in flight, waiting up to {} ms",
          runtime.activeRequests(), timeout.toMillis());
    }
    awaitIdle(deadline, drained);
    stopping = drained.future().compose(v -> shutdown());
    return stopping;
  }

  /** Stops at once: requests in flight are ended with an error. */
  public Future<Void> close() {
    return drain(Duration.ZERO);
  }

  private void awaitIdle(long deadline, Promise<Void> drained) {
    if (runtime.activeRequests() == 0) {
      drained.complete();
      return;
    }
    if (System.nanoTime() - deadline >= 0) {
      LOG.warn("drain timeout: ending {} requests still in flight", runtime.activeRequests());
      List<Future<Void>> aborts = new ArrayList<>();
      state.proxies.forEach(p -> aborts.add(p.abortAll()));
      Future.join(aborts).onComplete(ar -> drained.complete());
      return;
    }
    vertx.setTimer(POLL_MS, t -> awaitIdle(deadline, drained));
  }

  private Future<Void> shutdown() {
    Future<Void> chain = Future.succeededFuture();
    for (String id : state.dataDeployments) {
      chain = chain.eventually(() -> vertx.undeploy(id));
    }
    for (String id : state.controlDeployments) {
      chain = chain.eventually(() -> control.undeploy(id));
    }
    chain = chain.eventually(prober::stop);
    List<RouterExtension> started = new ArrayList<>(state.started);
    Collections.reverse(started);
    for (RouterExtension e : started) {
      chain = chain.eventually(e::stop);
    }
    return chain.eventually(() -> {
      state.onStop.forEach(Runnable::run);
      accessLog.close();
      gc.close();
      registry.close();
      return ownVertx ? Future.join(vertx.close(), control.close()).mapEmpty()
          : Future.succeededFuture();
    }).transform(ar -> Future.succeededFuture());
  }

  private static String connectHost(String host) {
    return "0.0.0.0".equals(host) || "::".equals(host) ? "127.0.0.1" : host;
  }
}
