package io.fleetlb.compose;

import io.fleetlb.lb.Router;
import io.fleetlb.lb.RunningRouter;
import io.fleetlb.lb.config.AccessLogConfig;
import io.fleetlb.lb.config.AdminConfig;
import io.fleetlb.lb.config.ConfigLoader;
import io.fleetlb.lb.config.ListenConfig;
import io.fleetlb.lb.config.RouterConfig;
import io.fleetlb.lb.roundrobin.RoundRobinPolicy;
import io.fleetlb.sim.SimReplica;
import io.fleetlb.sim.engine.MetricsVersion;
import io.fleetlb.sim.fleet.FleetFile;
import io.fleetlb.sim.replica.ReplicaOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The sim deployment in one JVM on loopback: the six replicas of vllm-sim/fleet-6.yaml and
 * lb-roundrobin loaded from compose/config/roundrobin.yaml with only the replica addresses
 * changed from compose service names to the local ports. Also one V0-metrics replica, for the
 * metric names vLLM v0.6.4.post1 exports.
 */
final class LiveStack implements AutoCloseable {
  private static final double TIME_SCALE = 20;

  final Vertx vertx = Vertx.vertx();
  final Map<String, SimReplica> replicas = new LinkedHashMap<>();
  final SimReplica v0Replica;
  final RunningRouter router;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private LiveStack() throws Exception {
    for (ReplicaOptions o : FleetFile.load(Repo.path("vllm-sim/fleet-6.yaml"))) {
      replicas.put(o.id(), await(SimReplica.start(vertx,
          o.toBuilder().host("127.0.0.1").port(0).timeScale(TIME_SCALE).build())));
    }
    v0Replica = await(SimReplica.start(vertx, ReplicaOptions.builder(ReferenceFleet.LLAMA_8B)
        .id("v0").host("127.0.0.1").port(0).metricsVersion(MetricsVersion.V0)
        .timeScale(TIME_SCALE).build()));
    String yaml = Repo.read(Repo.compose(RouterServices.ROUND_ROBIN.config()));
    for (Map.Entry<String, SimReplica> e : replicas.entrySet()) {
      yaml = yaml.replace("\"http://" + e.getKey() + ":8000\"",
          "\"http://127.0.0.1:" + e.getValue().port() + "\"");
    }
    RouterConfig config = ConfigLoader.create().parse(yaml, "compose/config/roundrobin.yaml")
        .withListen(new ListenConfig("127.0.0.1", 0, 1, false, null, null))
        .withAdmin(new AdminConfig("127.0.0.1", 0))
        .withAccessLog(new AccessLogConfig(false, "-"));
    router = await(Router.builder(config).policy(RoundRobinPolicy.create())
        .policyName(RouterServices.ROUND_ROBIN.service()).vertx(vertx).start());
  }

  static LiveStack start() throws Exception {
    return new LiveStack();
  }

  /** GET a URL and return the body; non-200 is an error. */
  String get(String url) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException(url + ": HTTP " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }

  /** Sends chat completions for every model through the router; returns the x-lb-replica ids. */
  List<String> sendThroughRouter(int perModel) throws IOException, InterruptedException {
    List<String> servedBy = new ArrayList<>();
    for (String model : List.of(ReferenceFleet.LLAMA_8B, ReferenceFleet.QWEN_7B, ReferenceFleet.LLAMA_70B)) {
      for (int i = 0; i < perModel; i++) {
        String body = "{\"model\":\"" + model + "\",\"max_tokens\":8,\"stream\":" + (i % 2 == 0)
            + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]}";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                router.baseUri().resolve("/v1/chat/completions"))
            .timeout(Duration.ofSeconds(60)).header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
          throw new IOException("router answered " + r.statusCode() + ": " + r.body());
        }
        servedBy.add(r.headers().firstValue("x-lb-replica").orElse("?"));
      }
    }
    return servedBy;
  }

  @Override
  public void close() throws Exception {
    try {
      await(router.close());
      for (SimReplica r : replicas.values()) {
        await(r.close());
      }
      await(v0Replica.close());
    } finally {
      await(vertx.close());
    }
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.await(60, TimeUnit.SECONDS);
  }
}
