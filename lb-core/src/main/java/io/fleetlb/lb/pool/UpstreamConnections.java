package io.fleetlb.lb.pool;

import io.vertx.core.http.HttpConnection;

/** What the router's HTTP clients do with every connection they open to a replica. */
public final class UpstreamConnections {
  private UpstreamConnections() {}

  /**
   * Handles errors of the connection itself, which Vert.x otherwise logs at ERROR with no context:
   * a replica that closes or resets an idle keep-alive connection (a restart, a crash, a proxy in
   * between) is routine, and what a request in flight sees reaches that request's own handlers.
   */
  public static void quiet(HttpConnection connection) {
    connection.exceptionHandler(t -> { });
  }
}
