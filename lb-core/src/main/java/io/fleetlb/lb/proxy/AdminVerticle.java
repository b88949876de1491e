package io.fleetlb.lb.proxy;

import io.fleetlb.lb.pool.Replica;
import io.fleetlb.lb.pool.ReplicaPool;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The admin listener: {@code GET /metrics} (Prometheus text), {@code GET /health} (as on the
 * public listener) and {@code GET /replicas} (each replica's state and counts, as JSON). It is
 * bound to loopback by default and never proxies.
 */
public final class AdminVerticle extends VerticleBase {
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final ProxyRuntime rt;
  private final PrometheusMeterRegistry registry;
  private HttpServer server;

  /** Creates the admin listener for a router. */
  public AdminVerticle(ProxyRuntime rt, PrometheusMeterRegistry registry) {
    this.rt = rt;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer(new HttpServerOptions()
            .setHost(rt.config.admin().host()).setPort(rt.config.admin().port()))
        .requestHandler(this::handle);
    return server.listen();
  }

  @Override
  public Future<?> stop() {
    return server.close();
  }

  /** The port the admin listener got. */
  public int actualPort() {
    return server.actualPort();
  }

  private void handle(HttpServerRequest req) {
    if (req.method() != HttpMethod.GET) {
      req.response().setStatusCode(405).putHeader("allow", "GET").end();
      return;
    }
    switch (req.path()) {
      case "/metrics" -> vertx.executeBlocking(registry::scrape, false).onComplete(ar -> {
        if (ar.succeeded()) {
          req.response().putHeader("content-type", PROMETHEUS_TEXT).end(ar.result());
        } else {
          req.response().setStatusCode(500).end();
        }
      });
      case "/health" -> req.response().setStatusCode(rt.healthStatus())
          .putHeader("content-type", "application/json").end(rt.healthBody());
      case "/replicas" -> req.response().putHeader("content-type", "application/json")
          .end(replicas().encodePrettily());
      default -> req.response().setStatusCode(404).end();
    }
  }

  private JsonObject replicas() {
    ReplicaPool pool = rt.pool;
    JsonArray list = new JsonArray();
    for (Replica r : pool.replicas()) {
      list.add(new JsonObject()
          .put("id", r.id())
          .put("model", r.model())
          .put("address", r.host() + ":" + r.port())
          .put("available", pool.available(r.model()).contains(r))
          .put("healthy", pool.healthy(r))
          .put("ejected", pool.ejected(r))
          .put("ejections", pool.ejections(r))
          .put("in_flight", pool.inFlight(r))
          .put("awaiting_first_byte", pool.awaitingFirstByte(r))
          .put("pending_prompt_tokens", pool.pendingPromptTokens(r))
          .put("in_flight_tokens", pool.inFlightTokens(r))
          .put("dispatched", pool.dispatched(r))
          .put("completed", pool.completed(r))
          .put("failed", pool.failed(r))
          .put("cancelled", pool.cancelled(r)));
    }
    return new JsonObject().put("draining", rt.draining())
        .put("requests_in_flight", rt.activeRequests()).put("replicas", list);
  }
}
