package io.fleetlb.bench.replay;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.RequestOptions;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Vert.x's own pool, used only when {@code --max-connections} caps it: requests beyond the cap wait
 * in the pool's queue, and the engine counts each one that had to.
 */
final class CappedPool implements Connections {
  private final HttpClientAgent client;
  private final AtomicLong opened;
  private final Set<Object> seen =
      Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));

  CappedPool(HttpClientAgent client, AtomicLong opened) {
    this.client = client;
    this.opened = opened;
  }

  @Override
  public Future<HttpClientRequest> request(RequestTracker t, RequestOptions options) {
    return client
        .request(options)
        .map(
            req -> {
              t.newConnection = seen.add(req.connection());
              return req;
            });
  }

  @Override
  public void release(RequestTracker t, boolean reusable) {
    // the pool takes the connection back when the response ends or is reset
  }

  /**
   * Not done: Vert.x's pool decides which connection a request gets. The warm-ups that retire
   * connections (calibrate's, {@code bench run --client-warmup}) run engines without {@code
   * --max-connections}, i.e. on {@link KeepAliveCache}.
   */
  @Override
  public void retireEvery(int n) {}

  @Override
  public long opened() {
    return opened.get();
  }

  @Override
  public void close() {}
}
