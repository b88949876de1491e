package io.fleetlb.lb.roundrobin.overhead;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * A reference point for the router overhead benchmark, not a product: the least an HTTP/1.1
 * round-robin reverse proxy written on Vert.x 5 does, built the way the router is (native
 * transport, one verticle per event loop with its own HTTP client and pool, the request body read
 * whole, headers passed through), without any of the router's features; idle upstream connections
 * are kept 300 s, so that a benchmark round after an idle spell does not begin by reconnecting.
 * Against {@link NettyFloorProxy} it shows what Vert.x's HTTP layer costs; against the router, what
 * the router's own work costs. Usage: {@code VertxFloorProxy LISTEN_PORT UPSTREAM_PORT...}.
 */
public final class VertxFloorProxy extends VerticleBase {
  private final int port;
  private final int[] upstreams;
  private HttpClient client;
  private int turn;

  private VertxFloorProxy(int port, int[] upstreams) {
    this.port = port;
    this.upstreams = upstreams;
  }

  public static void main(String[] args) {
    FloorProxies.deploy("VertxFloorProxy", args, VertxFloorProxy::new);
  }

  @Override
  public Future<?> start() {
    client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
        .setTcpNoDelay(true).setKeepAliveTimeout(300), new PoolOptions().setHttp1MaxSize(6000));
    return vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true))
        .requestHandler(this::proxy)
        .listen(port, "127.0.0.1");
  }

  private void proxy(HttpServerRequest req) {
    req.body()
        .compose(body -> {
          int upstream = upstreams[turn++ % upstreams.length];
          return client.request(new RequestOptions().setMethod(req.method())
                  .setHost("127.0.0.1").setPort(upstream).setURI(req.uri())
                  .setHeaders(req.headers()))
              .compose(up -> up.send(body))
              .compose(resp -> resp.body().compose(answer -> {
                req.response().setStatusCode(resp.statusCode()).headers().addAll(resp.headers());
                return req.response().end(answer);
              }));
        })
        .onFailure(t -> {
          if (!req.response().ended()) {
            req.response().setStatusCode(502).end();
          }
        });
  }
}
