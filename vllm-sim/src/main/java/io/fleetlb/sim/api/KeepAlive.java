package io.fleetlb.sim.api;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Closes keep-alive connections that stay idle between requests, like uvicorn's {@code
 * timeout_keep_alive} (5 s by default), so clients and routers meet the same connection churn as in
 * front of real vLLM.
 *
 * <p>Vert.x's idle timeout cannot be used: it would also cut a response that is silent during a
 * long prefill, which uvicorn never does.
 */
final class KeepAlive {

  private final Vertx vertx;
  private final long timeoutMillis;
  private final Map<HttpConnection, Long> timers = new ConcurrentHashMap<>();

  KeepAlive(Vertx vertx, long timeoutMillis) {
    this.vertx = vertx;
    this.timeoutMillis = timeoutMillis;
  }

  void requestStarted(HttpServerRequest req) {
    if (timeoutMillis <= 0) {
      return;
    }
    HttpConnection conn = req.connection();
    Long timer = timers.remove(conn);
    if (timer != null) {
      vertx.cancelTimer(timer);
    } else {
      conn.closeHandler(
          v -> {
            Long t = timers.remove(conn);
            if (t != null) {
              vertx.cancelTimer(t);
            }
          });
    }
    req.response()
        .endHandler(
            v ->
                timers.put(
                    conn,
                    vertx.setTimer(
                        timeoutMillis,
                        id -> {
                          if (timers.remove(conn, id)) {
                            conn.close();
                          }
                        })));
  }
}
