package io.fleetlb.lb.roundrobin.overhead;

import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.function.BiFunction;

/** The command line and start-up shared by the benchmark's reference proxies. */
final class FloorProxies {
  private FloorProxies() {}

  /** The upstream ports of {@code LISTEN_PORT UPSTREAM_PORT...}. */
  static int[] upstreams(String[] args) {
    int[] upstreams = new int[args.length - 1];
    for (int i = 1; i < args.length; i++) {
      upstreams[i - 1] = Integer.parseInt(args[i]);
    }
    return upstreams;
  }

  /**
   * Starts a Vert.x reference proxy as the router runs (native transport, two event loops, one
   * verticle each) from {@code LISTEN_PORT UPSTREAM_PORT...}; exits 1 if it cannot listen.
   */
  static void deploy(String name, String[] args, BiFunction<Integer, int[], Deployable> proxy) {
    int port = Integer.parseInt(args[0]);
    int[] upstreams = upstreams(args);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2)
        .setPreferNativeTransport(true));
    vertx.deployVerticle(() -> proxy.apply(port, upstreams),
            new DeploymentOptions().setInstances(2))
        .onSuccess(id -> System.out.println(name + " listening on " + port
            + ", native transport " + vertx.isNativeTransportEnabled()))
        .onFailure(t -> {
          t.printStackTrace();
          System.exit(1);
        });
  }
}
