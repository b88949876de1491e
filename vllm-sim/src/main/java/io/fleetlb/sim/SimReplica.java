package io.fleetlb.sim;

import io.fleetlb.sim.api.ReplicaHttp;
import io.fleetlb.sim.api.RequestLog;
import io.fleetlb.sim.engine.Engine;
import io.fleetlb.sim.engine.EngineGauges;
import io.fleetlb.sim.engine.EngineMetrics;
import io.fleetlb.sim.engine.MetricsVersion;
import io.fleetlb.sim.metrics.DcgmMetrics;
import io.fleetlb.sim.metrics.ReplicaMetricsSource;
import io.fleetlb.sim.metrics.VllmMetricsV0;
import io.fleetlb.sim.metrics.VllmMetricsV1;
import io.fleetlb.sim.replica.EngineDriver;
import io.fleetlb.sim.replica.Faults;
import io.fleetlb.sim.replica.ReplicaOptions;
import io.fleetlb.sim.replica.StepTiming;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;

/**
 * One simulated vLLM replica: an engine on its own thread behind vLLM's HTTP API, in this JVM.
 *
 * <p>This is the public entry point for tests and tools: {@code SimReplica.start(vertx, options)}
 * binds the server (port 0 picks a free port, read back with {@link #port()}), and {@link #close()}
 * stops it. The command line ({@link Main}) and fleets are built on it.
 */
public final class SimReplica {

  private final ReplicaOptions options;
  private final EngineMetrics metrics;
  private final EngineDriver driver;
  private final Faults faults;
  private final ReplicaHttp http;
  private final ThroughputMeter throughput;
  private final RequestLog requestLog;
  private HttpServer server;

  private SimReplica(Vertx vertx, ReplicaOptions o) {
    this.options = o;
    this.metrics = new EngineMetrics(o.metricsVersion(), o.profile().maxModelLen());
    Engine engine =
        new Engine(
            o.profile(),
            o.maxNumSeqs(),
            o.maxNumBatchedTokens(),
            o.slowdown(),
            o.prefixCaching(),
            metrics);
    this.driver = new EngineDriver(o.id(), engine, o.timeScale());
    this.faults = new Faults(driver, o);
    this.throughput = new ThroughputMeter(metrics);
    ReplicaMetricsSource source =
        new ReplicaMetricsSource(
            metrics,
            o.model(),
            o.profile(),
            System.currentTimeMillis() / 1000.0,
            o.prefixCaching());
    DcgmMetrics dcgm = new DcgmMetrics(o.profile().gpu(), o.gpuIndex(), o.id());
    this.requestLog =
        o.requestLog() == null ? RequestLog.NONE : RequestLog.open(o.requestLog(), o.id());
    this.http =
        new ReplicaHttp(
            vertx,
            o,
            driver,
            faults,
            () ->
                o.metricsVersion() == MetricsVersion.V1
                    ? VllmMetricsV1.render(source)
                    : VllmMetricsV0.render(
                        source, throughput.promptPerSecond(), throughput.generationPerSecond()),
            () -> dcgm.render(metrics.gpu, driver.virtualNow()),
            () -> new JsonObject(driver.timing().summary()).encode(),
            requestLog);
  }

  /** Starts a replica; the future completes once its port is bound. */
  public static Future<SimReplica> start(Vertx vertx, ReplicaOptions options) {
    SimReplica r;
    try {
      r = new SimReplica(vertx, options);
    } catch (java.io.UncheckedIOException e) {
      return Future.failedFuture(e.getMessage());
    }
    r.driver.start();
    HttpServerOptions so =
        new HttpServerOptions()
            .setHost(options.host())
            .setPort(options.port())
            .setTcpNoDelay(true)
            .setMaxInitialLineLength(16 * 1024)
            .setMaxHeaderSize(64 * 1024);
    return vertx
        .createHttpServer(so)
        .requestHandler(r.http)
        .listen()
        .map(
            s -> {
              r.server = s;
              return r;
            })
        .onFailure(
            e -> {
              r.driver.stop();
              r.requestLog.close();
            });
  }

  /** Stops the server and the engine thread. */
  public Future<Void> close() {
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return closed.andThen(
        ar -> {
          driver.stop();
          requestLog.close();
        });
  }

  /** The bound port. */
  public int port() {
    return server.actualPort();
  }

  public ReplicaOptions options() {
    return options;
  }

  /** The engine's running/waiting/KV state as of its last step. */
  public EngineGauges gauges() {
    return metrics.gauges();
  }

  public EngineMetrics metrics() {
    return metrics;
  }

  /** How closely the real-time driver follows the engine's schedule. */
  public StepTiming timing() {
    return driver.timing();
  }

  /** Live fault settings. */
  public Faults faults() {
    return faults;
  }

  /** Generation requests currently open on the HTTP side. */
  public int inFlight() {
    return http.inFlight();
  }
}
