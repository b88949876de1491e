package io.fleetlb.bench.replay;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.RequestOptions;

/**
 * Where requests get their HTTP/1.1 connection: {@link KeepAliveCache} (the default, O(1) per
 * request and never capped) or Vert.x's own pool when {@code --max-connections} caps it. Every
 * request that obtained a connection gives it back exactly once through {@link #release}.
 */
interface Connections extends AutoCloseable {

  /** Obtains a connection for the tracker (on its event loop) and opens a request on it. */
  Future<HttpClientRequest> request(RequestTracker t, RequestOptions options);

  /** The request is over; {@code reusable} when its response was read to the end. */
  void release(RequestTracker t, boolean reusable);

  /**
   * From now on retires every {@code n}th idle connection taken for a request: it is closed instead
   * of reused, as one past its keep-alive window would be, and the request takes another (n <= 0:
   * no more). Called between runs; a warm-up uses it to exercise the close path ({@link
   * ReplayEngine#warmUp}). Vert.x's capped pool ignores it.
   */
  void retireEvery(int n);

  /** Connections opened so far. */
  long opened();

  @Override
  void close();
}
