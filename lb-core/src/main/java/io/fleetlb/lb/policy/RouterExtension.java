package io.fleetlb.lb.policy;

import io.vertx.core.Future;

/**
 * A component that lives as long as the router, such as a metrics scraper feeding a policy. It
 * starts after the replicas are known and before the listeners open, and stops when the router
 * is drained or closed.
 */
public interface RouterExtension {
  /**
   * Starts the component; the router starts serving once the returned future succeeds and fails
   * to start if it fails.
   */
  Future<Void> start(RouterContext context);

  /** Stops timers and clients; called once, after the listeners are closed. */
  default Future<Void> stop() {
    return Future.succeededFuture();
  }
}
