package io.fleetlb.lb.queueaware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetlb.lb.Router;
import io.fleetlb.lb.RunningRouter;
import io.fleetlb.lb.config.RouterConfig;
import io.fleetlb.lb.log.AccessLog;
import io.fleetlb.lb.pool.Replica;
import io.fleetlb.lb.queueaware.scrape.ReplicaLoad;
import io.fleetlb.lb.testing.ScriptedUpstream;
import io.fleetlb.sim.SimReplica;
import io.fleetlb.sim.engine.MetricsVersion;
import io.fleetlb.sim.replica.ReplicaOptions;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * lb-queue-aware in front of real vllm-sim replicas over HTTP, one speaking V1 metrics and one
 * V0: the scraper reads both, and when one replica's GPU degrades ({@code POST /sim/faults}) new
 * work moves to the other.
 */
class VllmSimEndToEndTest {
  private static final String MODEL = "meta-llama/Llama-3.1-8B-Instruct";
  private final Vertx vertx = Vertx.vertx();
  private final List<SimReplica> sims = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .build();
  private RunningRouter router;

  @AfterEach
  void stop() {
    if (router != null) {
      ScriptedUpstream.join(router.close());
    }
    sims.forEach(s -> ScriptedUpstream.join(s.close()));
    ScriptedUpstream.join(vertx.close());
  }

  private SimReplica sim(String id, MetricsVersion metrics) {
    SimReplica s = ScriptedUpstream.join(SimReplica.start(vertx, ReplicaOptions.builder(MODEL)
        .id(id).port(0).host("127.0.0.1").metricsVersion(metrics).seed(sims.size()).build()));
    sims.add(s);
    return s;
  }

  private Map<String, Integer> burst(int n, long gapMillis) throws Exception {
    String body = "{\"model\":\"" + MODEL + "\",\"stream\":true,\"max_tokens\":48,"
        + "\"ignore_eos\":true,\"messages\":[{\"role\":\"user\",\"content\":\""
        + "word ".repeat(300) + "\"}]}";
    List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(http.sendAsync(HttpRequest.newBuilder(router.baseUri().resolve(
          "/v1/chat/completions")).header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString()));
      Thread.sleep(gapMillis); // pacing an open-loop client, not waiting for a result
    }
    Map<String, Integer> counts = new HashMap<>();
    for (CompletableFuture<HttpResponse<String>> f : all) {
      HttpResponse<String> r = f.get(120, TimeUnit.SECONDS);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).endsWith("data: [DONE]\n\n");
      counts.merge(r.headers().firstValue("x-lb-replica").orElseThrow(), 1, Integer::sum);
    }
    return counts;
  }

  @Test
  void readsV1AndV0ReplicasAndMovesWorkAwayFromADegradedOne() throws Exception {
    SimReplica a = sim("a", MetricsVersion.V1);
    SimReplica b = sim("b", MetricsVersion.V0);
    String yaml = "listen: { host: 127.0.0.1, port: 0, event_loops: 2 }\n"
        + "admin: { host: 127.0.0.1, port: 0 }\n"
        + "access_log: { enabled: false }\n"
        + "scrape: { interval: 100ms, timeout: 1s, stale_after: 5s }\n"
        + "replicas:\n"
        + "  - { id: a, url: \"http://127.0.0.1:" + a.port() + "\", model: \"" + MODEL + "\" }\n"
        + "  - { id: b, url: \"http://127.0.0.1:" + b.port() + "\", model: \"" + MODEL + "\" }\n";
    RouterConfig config = QueueAware.configLoader().parse(yaml, "e2e.yaml");
    Router.Builder builder = Router.builder(config).accessLog(AccessLog.none());
    QueueAware.Parts parts = QueueAware.install(builder, config);
    router = ScriptedUpstream.join(builder.start());
    List<Replica> rs = router.pool().replicas();
    ReplicaLoad la = parts.scraper().board().get(rs.get(0));
    ReplicaLoad lb = parts.scraper().board().get(rs.get(1));
    assertThat(la).isNotNull();
    assertThat(lb).as("V0 names read too").isNotNull();
    assertThat(la.kvCapacityTokens()).isEqualTo(28_062L * 16);

    Map<String, Integer> healthy = burst(40, 20);
    assertThat(healthy.get("a")).as("healthy: %s", healthy).isBetween(10, 30);

    HttpResponse<String> fault = http.send(HttpRequest.newBuilder(URI.create(
        "http://127.0.0.1:" + b.port() + "/sim/faults")).POST(HttpRequest.BodyPublishers
        .ofString("{\"slowdown\":6}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(fault.statusCode()).isEqualTo(200);
    Map<String, Integer> degraded = burst(60, 20);
    System.out.println("healthy " + healthy + ", b degraded " + degraded);
    assertThat(degraded.get("a")).as("b degraded: %s", degraded).isGreaterThanOrEqualTo(38);

    await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> {
      for (Replica r : rs) {
        assertThat(router.pool().inFlight(r)).isZero();
        assertThat(router.pool().awaitingFirstByte(r)).isZero();
        assertThat(router.pool().inFlightTokens(r)).isZero();
      }
      assertThat(a.inFlight() + b.inFlight()).isZero();
    });
    assertThat(parts.policy().picks(rs.get(0)) + parts.policy().picks(rs.get(1)))
        .isEqualTo(100);
    assertThat(Duration.ofNanos(System.nanoTime() - parts.scraper().board().get(rs.get(1))
        .scrapedAtNanos())).isLessThan(Duration.ofSeconds(5));
  }
}
