package io.fleetlb.lb.roundrobin.overhead;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayDeque;

/**
 * A reference point for the router overhead benchmark, not a product: {@link VertxFloorProxy} with
 * its own LIFO keep-alive cache of Vert.x client connections per upstream (taken with
 * {@code HttpClientAgent.connect}, as the bench's generator does) instead of Vert.x's pool. It
 * measured the same as {@link VertxFloorProxy}: at 64 connections Vert.x's pool is not what its
 * client costs. Usage: {@code VertxCacheFloorProxy LISTEN_PORT UPSTREAM_PORT...}.
 */
public final class VertxCacheFloorProxy extends VerticleBase {
  private final int port;
  private final int[] upstreams;
  private HttpClientAgent client;
  private int turn;
  @SuppressWarnings("unchecked")
  private final ArrayDeque<HttpClientConnection>[] idle = new ArrayDeque[8];

  private VertxCacheFloorProxy(int port, int[] upstreams) {
    this.port = port;
    this.upstreams = upstreams;
  }

  public static void main(String[] args) {
    FloorProxies.deploy("VertxCacheFloorProxy", args, VertxCacheFloorProxy::new);
  }

  @Override
  public Future<?> start() {
    client = (HttpClientAgent) vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
        .setTcpNoDelay(true).setKeepAliveTimeout(300), new PoolOptions().setHttp1MaxSize(6000));
    return vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true))
        .requestHandler(this::proxy)
        .listen(port, "127.0.0.1");
  }

  private Future<HttpClientConnection> take(int u) {
    if (idle[u] == null) {
      idle[u] = new ArrayDeque<>();
    }
    HttpClientConnection c = idle[u].pollLast();
    if (c != null) {
      return Future.succeededFuture(c);
    }
    return client.connect(new HttpConnectOptions().setHost("127.0.0.1").setPort(upstreams[u]));
  }

  private void proxy(HttpServerRequest req) {
    req.body()
        .compose(body -> {
          int u = turn++ % upstreams.length;
          return take(u).compose(conn -> conn.request(new RequestOptions().setMethod(req.method())
                  .setHost("127.0.0.1").setPort(upstreams[u]).setURI(req.uri())
                  .setHeaders(req.headers()))
              .compose(up -> up.send(body))
              .compose(resp -> resp.body().compose(answer -> {
                idle[u].addLast(conn);
                req.response().setStatusCode(resp.statusCode()).headers().addAll(resp.headers());
                return req.response().end(answer);
              })));
        })
        .onFailure(t -> {
          if (!req.response().ended()) {
            req.response().setStatusCode(502).end();
          }
        });
  }
}
