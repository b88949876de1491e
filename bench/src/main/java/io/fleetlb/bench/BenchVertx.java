package io.fleetlb.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

/**
 * Creates the Vert.x instances the bench runs on: native transport when available, sized event
 * loops.
 */
public final class BenchVertx {
  private BenchVertx() {}

  public static Vertx create(int eventLoops) {
    return Vertx.vertx(
        new VertxOptions()
            .setPreferNativeTransport(true)
            .setEventLoopPoolSize(Math.max(1, eventLoops))
            .setWorkerPoolSize(4)
            // a loaded 2-core machine can stall a loop briefly; that is measured, not an error to
            // log
            .setBlockedThreadCheckInterval(10_000));
  }
}
