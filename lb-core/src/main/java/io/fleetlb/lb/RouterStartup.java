package io.fleetlb.lb;

import io.fleetlb.lb.admission.Admission;
import io.fleetlb.lb.auth.Authenticator;
import io.fleetlb.lb.config.ConfigException;
import io.fleetlb.lb.config.RouterConfig;
import io.fleetlb.lb.discovery.Discoveries;
import io.fleetlb.lb.log.AccessLog;
import io.fleetlb.lb.metrics.AdmissionMetrics;
import io.fleetlb.lb.metrics.ProcessMemoryMetrics;
import io.fleetlb.lb.metrics.RouterMetrics;
import io.fleetlb.lb.policy.RouterContext;
import io.fleetlb.lb.policy.RouterExtension;
import io.fleetlb.lb.pool.Ejection;
import io.fleetlb.lb.pool.HealthProber;
import io.fleetlb.lb.pool.ModelCatalog;
import io.fleetlb.lb.pool.PoolListener;
import io.fleetlb.lb.pool.Replica;
import io.fleetlb.lb.pool.ReplicaPool;
import io.fleetlb.lb.proxy.AdminVerticle;
import io.fleetlb.lb.proxy.ProxyRuntime;
import io.fleetlb.lb.proxy.ProxyVerticle;
import io.fleetlb.lb.tls.ServerCertificate;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.net.BindException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The start-up sequence of a {@link Router}, kept apart from the builder's API. */
final class RouterStartup {
  private static final Logger LOG = LoggerFactory.getLogger(RouterStartup.class);
  private static final AtomicInteger EPHEMERAL = new AtomicInteger();
  private RouterStartup() {}

  static Future<RunningRouter> start(Router.Builder b) {
    RouterConfig c = b.config;
    boolean ownVertx = b.vertx == null;
    // The data plane (listeners, upstream clients) gets one event loop per configured loop. The
    // control plane (health probes, admin listener, extensions such as a metrics scraper) runs
    // on a Vert.x of its own, so an overloaded data plane cannot delay probes into false
    // "unhealthy" verdicts or stall /metrics.
    Vertx vertx;
    Vertx control;
    try {
      if (ownVertx) {
        vertx = Transports.build(c.listen().transport(), t -> Vertx.builder().with(
            new VertxOptions().setEventLoopPoolSize(c.listen().resolvedEventLoops()))
            .withTransport(t).build());
        try {
          // the control plane on the transport the data plane got
          control = Transports.build(Transports.name(vertx), t -> Vertx.builder().with(
              new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(2))
              .withTransport(t).build());
        } catch (IllegalStateException e) {
          vertx.close();
          throw e;
        }
      } else {
        Transports.check(c.listen().transport(), b.vertx);
        vertx = b.vertx;
        control = b.vertx;
      }
    } catch (IllegalStateException e) {
      return Future.failedFuture(new IllegalStateException(c.source() + ": " + e.getMessage(), e));
    }
    AccessLog accessLog;
    try {
      accessLog = b.accessLog != null ? b.accessLog : accessLog(c);
    } catch (IOException e) {
      if (ownVertx) {
        vertx.close();
        control.close();
      }
      return Future.failedFuture(new IllegalStateException(
          c.source() + ": access_log.path: cannot open \"" + c.accessLog().path() + "\": "
              + e.getMessage()));
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // Two of Micrometer's system meters break Prometheus naming rules (promtool reports them):
    // drop the nanosecond CPU counter (process_cpu_usage remains) and rename the CPU count.
    registry.config()
        .meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")))
        .meterFilter(new MeterFilter() {
          @Override
          public Meter.Id map(Meter.Id id) {
            return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
          }
        });
    JvmGcMetrics gc = new JvmGcMetrics();
    List.of(new JvmMemoryMetrics(), gc, new JvmThreadMetrics(), new ClassLoaderMetrics(),
        new ProcessorMetrics(), new UptimeMetrics(), new FileDescriptorMetrics(),
        new ProcessMemoryMetrics()).forEach(m -> m.bindTo(registry));

    ReplicaPool pool = new ReplicaPool(c.replicas(), c.ejection(), b.nanoClock);
    ModelCatalog catalog = new ModelCatalog(pool::models, System.currentTimeMillis() / 1000);
    AtomicInteger active = new AtomicInteger();
    String policyName = b.policyName != null ? b.policyName : b.policy.getClass().getSimpleName();
    RunningRouter.State state = new RunningRouter.State();
    RouterMetrics metrics = new RouterMetrics(registry, pool, policyName,
        Transports.name(vertx), active::get,
        () -> state.runtime != null && state.runtime.draining() ? 1 : 0, accessLog);
    pool.addListener(metrics);
    Authenticator auth;
    try {
      auth = Authenticator.create(c.auth(), b.nanoClock);
    } catch (ConfigException e) {
      accessLog.close();
      if (ownVertx) {
        vertx.close();
        control.close();
      }
      return Future.failedFuture(new IllegalStateException(e.getMessage(), e));
    }
    if (!auth.enabled()) {
      LOG.warn("no auth: section: the public API on {}:{} accepts requests without an API key",
          c.listen().host(), c.listen().port());
    }
    Admission admission = new Admission(c, pool, b.nanoClock);
    pool.addListener(new PoolListener() {
      // A replica that comes back has free slots for the requests waiting in the queue.
      @Override
      public void readmitted(Replica replica) {
        admission.pump(replica.model());
      }

      @Override
      public void healthChanged(Replica replica, boolean healthy) {
        if (healthy) {
          admission.pump(replica.model());
        }
      }
    });
    ServerCertificate certificate = null;
    if (c.tls() != null) {
      try {
        certificate = ServerCertificate.load(c.tls(), control);
      } catch (IllegalStateException e) {
        accessLog.close();
        if (ownVertx) {
          vertx.close();
          control.close();
        }
        return Future.failedFuture(new IllegalStateException(c.source() + ": " + e.getMessage(),
            e));
      }
    }
    AdmissionMetrics gateMetrics = new AdmissionMetrics(registry, pool, admission, auth,
        certificate);
    pool.addListener(gateMetrics);
    ProxyRuntime runtime = new ProxyRuntime(c, pool, b.policy, metrics, accessLog, catalog,
        b.nanoClock, active, auth, admission, gateMetrics, certificate);
    state.runtime = runtime;
    auth.start(control);
    state.onStop.add(auth::stop);
    if (certificate != null) {
      ServerCertificate cert = certificate;
      long timer = control.setPeriodic(2000, id -> control.executeBlocking(cert::reloadIfChanged,
          false).onSuccess(renewed -> {
            if (renewed != null) {
              state.proxies.forEach(p -> p.updateCertificate(renewed));
            }
          }));
      state.onStop.add(() -> control.cancelTimer(timer));
    }
    pool.addListener(new PoolListener() {
      // A replica that stalled, stopped answering or failed its health checks will not answer
      // the requests waiting on it: those that sent nothing to their client go elsewhere.
      @Override
      public void ejected(Replica replica, Ejection ejection) {
        if (ejection.cause() != Ejection.Cause.FAILURES) {
          boolean stalled = ejection.cause() == Ejection.Cause.STALLED;
          state.proxies.forEach(p -> p.replicaFailed(replica, stalled));
        }
      }

      @Override
      public void healthChanged(Replica replica, boolean healthy) {
        if (!healthy) {
          state.proxies.forEach(p -> p.replicaFailed(replica, false));
        }
      }
    });
    HealthProber prober = new HealthProber(control, pool, c.healthCheck(), c.ejection().stalledAfter(),
        c.upstream(), runtime.upstreamAuthorization(), catalog,
        metrics::healthCheck);
    RouterContext context = new RouterContext(control, c, pool, pool, registry);
    RunningRouter router = new RunningRouter(c, vertx, control, ownVertx, runtime, pool,
        registry, prober, accessLog, gc, state);

    Future<Void> chain = prober.start()
        .compose(v -> Discoveries.start(c, pool, control, b.kubernetesClient))
        .map(discoveries -> {
          state.discoveries = discoveries;
          state.onStop.add(discoveries::stop);
          return null;
        });
    for (RouterExtension e : b.extensions) {
      chain = chain.compose(v -> e.start(context).onSuccess(x -> state.started.add(e)));
    }
    return chain
        .compose(v -> deploy(control, new AdminVerticle(runtime, registry), state,
            c.admin().host(), c.admin().port(), "admin"))
        .compose(admin -> {
          state.adminPort = ((AdminVerticle) admin).actualPort();
          return deployProxies(vertx, runtime, state);
        })
        .map(v -> router)
        .recover(err -> router.close().transform(x -> Future.failedFuture(err)));
  }

  /**
   * Deploys one proxy instance per event loop in a single deployment: Vert.x then shares one
   * listening socket among them, also when the configured port is 0.
   */
  private static Future<Void> deployProxies(Vertx vertx, ProxyRuntime runtime,
      RunningRouter.State state) {
    RouterConfig c = runtime.config();
    // Vert.x shares one socket among servers asking for the same host:port; for an ephemeral
    // port it does so only for the same negative port, so port 0 becomes a per-router one.
    int port = c.listen().port() != 0 ? c.listen().port() : -EPHEMERAL.incrementAndGet();
    return vertx.deployVerticle(() -> {
      ProxyVerticle p = new ProxyVerticle(runtime, port);
      state.proxies.add(p);
      return p;
    }, new DeploymentOptions().setInstances(c.listen().resolvedEventLoops()))
        .recover(err -> Future.failedFuture(new IllegalStateException("cannot open the listener"
            + " on " + c.listen().host() + ":" + c.listen().port() + ": " + describe(err), err)))
        .compose(id -> {
          state.dataDeployments.add(id);
          int actual = state.proxies.get(0).actualPort();
          for (ProxyVerticle p : state.proxies) {
            if (p.actualPort() != actual) {
              return Future.failedFuture("event loop listeners got different ports");
            }
          }
          state.port = actual;
          return Future.succeededFuture();
        });
  }

  private static Future<Object> deploy(Vertx vertx, io.vertx.core.Deployable verticle,
      RunningRouter.State state, String host, int port, String what) {
    return vertx.deployVerticle(verticle)
        .<Object>map(id -> {
          state.controlDeployments.add(id);
          return verticle;
        })
        .recover(err -> Future.failedFuture(new IllegalStateException("cannot open the " + what
            + " listener on " + host + ":" + port + ": " + describe(err), err)));
  }

  /** A bind failure in plain words, whichever transport (NIO or epoll) reported it. */
  private static String describe(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause()) {
      String m = t.getMessage() == null ? "" : t.getMessage();
      if (m.contains("Address already in use")) {
        return "address already in use";
      }
      if (m.contains("Cannot assign requested address")) {
        return "address not available on this host";
      }
      if (t instanceof BindException) {
        return "cannot bind: " + m;
      }
    }
    return err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage();
  }

  private static AccessLog accessLog(RouterConfig c) throws IOException {
    if (!c.accessLog().enabled()) {
      return AccessLog.none();
    }
    return "-".equals(c.accessLog().path()) ? AccessLog.stdout()
        : AccessLog.file(Path.of(c.accessLog().path()));
  }
}
