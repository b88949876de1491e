package io.fleetlb.lb.roundrobin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetlb.lb.Router;
import io.fleetlb.lb.RunningRouter;
import io.fleetlb.lb.config.ConfigLoader;
import io.fleetlb.lb.pool.Replica;
import io.fleetlb.lb.testing.CapturingAccessLog;
import io.fleetlb.lb.testing.RawClient;
import io.fleetlb.lb.testing.ScriptedUpstream;
import io.fleetlb.sim.SimReplica;
import io.fleetlb.sim.replica.ReplicaOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** lb-roundrobin in front of vllm-sim replicas: vLLM's wire format end to end. */
class VllmSimEndToEndTest {
  private static final String LLAMA = "meta-llama/Llama-3.1-8B-Instruct";
  private static final String QWEN = "Qwen/Qwen2.5-7B-Instruct";

  private static Vertx vertx;
  private static final List<SimReplica> sims = new ArrayList<>();
  private static RunningRouter router;
  private static final CapturingAccessLog log = new CapturingAccessLog();
  private static final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void fleet() throws Exception {
    vertx = Vertx.vertx();
    StringBuilder yaml = new StringBuilder("listen: { host: 127.0.0.1, port: 0, event_loops: 2 }\n"
        + "admin: { host: 127.0.0.1, port: 0 }\nreplicas:\n");
    String[][] fleet = {{"llama8b-1", LLAMA}, {"llama8b-2", LLAMA}, {"qwen7b-1", QWEN}};
    for (String[] r : fleet) {
      SimReplica sim = SimReplica.start(vertx, ReplicaOptions.builder(r[1]).id(r[0])
          .timeScale(10).seed(sims.size()).build()).await(10, TimeUnit.SECONDS);
      sims.add(sim);
      yaml.append("  - { id: ").append(r[0]).append(", url: \"http://127.0.0.1:")
          .append(sim.port()).append("\", model: \"").append(r[1]).append("\" }\n");
    }
    router = ScriptedUpstream.join(Router.builder(ConfigLoader.create().parse(yaml.toString(),
        "e2e.yaml")).policy(RoundRobinPolicy.create()).policyName("lb-roundrobin")
        .accessLog(log).start());
  }

  @AfterAll
  static void stop() {
    ScriptedUpstream.join(router.close());
    sims.forEach(s -> ScriptedUpstream.join(s.close()));
    ScriptedUpstream.join(vertx.close());
  }

  private static HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(router.baseUri().resolve(path))
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void assertBalanced() {
    await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
      assertThat(router.activeRequests()).isZero();
      for (Replica r : router.pool().replicas()) {
        assertThat(router.load().inFlight(r)).isZero();
        assertThat(router.load().dispatched(r)).isEqualTo(router.load().finished(r));
      }
      for (SimReplica s : sims) {
        assertThat(s.inFlight()).as("generations still running on %s", s.options().id())
            .isZero();
      }
    });
  }

  @Test
  void streamsVllmChunksAndAlternatesReplicasPerModel() throws Exception {
    List<String> servedBy = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      HttpResponse<String> r = post("/v1/chat/completions", "{\"model\":\"" + LLAMA
          + "\",\"stream\":true,\"max_tokens\":6,\"ignore_eos\":true,"
          + "\"stream_options\":{\"include_usage\":true},"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]}");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
      servedBy.add(r.headers().firstValue("x-lb-replica").orElseThrow());
      String[] events = r.body().split("\n\n");
      assertThat(events[0]).startsWith("data: {\"id\":\"chatcmpl-")
          .contains("\"delta\":{\"role\":\"assistant\",\"content\":\"\"}");
      assertThat(events[events.length - 1]).isEqualTo("data: [DONE]");
      JsonObject usage = new JsonObject(events[events.length - 2].substring(6))
          .getJsonObject("usage");
      assertThat(usage.getInteger("completion_tokens")).isEqualTo(6);
    }
    assertThat(servedBy).containsExactly("llama8b-1", "llama8b-2", "llama8b-1", "llama8b-2");
    HttpResponse<String> q = post("/v1/completions", "{\"model\":\"" + QWEN
        + "\",\"prompt\":\"one two\",\"max_tokens\":3}");
    assertThat(q.statusCode()).isEqualTo(200);
    assertThat(q.headers().firstValue("x-lb-replica")).hasValue("qwen7b-1");
    assertThat(new JsonObject(q.body()).getString("object")).isEqualTo("text_completion");
    assertBalanced();
  }

  @Test
  void modelsAreTheSimulatorsOwnCards() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(router.baseUri()
        .resolve("/v1/models")).build(), HttpResponse.BodyHandlers.ofString());
    JsonArray data = new JsonObject(r.body()).getJsonArray("data");
    assertThat(data.stream().map(o -> ((JsonObject) o).getString("id")))
        .containsExactly(LLAMA, QWEN);
    assertThat(data.getJsonObject(0).getString("owned_by")).isEqualTo("vllm");
    assertThat(data.getJsonObject(0).getInteger("max_model_len")).isPositive();
  }

  @Test
  void aClientLeavingMidStreamStopsTheGenerationOnTheReplica() {
    try (RawClient c = RawClient.connect(router.port())) {
      c.post("/v1/chat/completions", "{\"model\":\"" + QWEN + "\",\"stream\":true,"
          + "\"max_tokens\":5000,\"ignore_eos\":true,"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"write a lot\"}]}");
      c.readUntil("\"content\":\" ", Duration.ofSeconds(20));
      assertThat(sims.get(2).inFlight()).isEqualTo(1);
    }
    assertBalanced();
    assertThat(log.awaitMatch(e -> e.status() == 499).replica()).isEqualTo("qwen7b-1");
  }

  @Test
  void routerErrorsUseVllmsErrorShape() throws Exception {
    HttpResponse<String> r = post("/v1/chat/completions", "{\"model\":\"no/such-model\"}");
    assertThat(r.statusCode()).isEqualTo(404);
    JsonObject error = new JsonObject(r.body()).getJsonObject("error");
    assertThat(error.fieldNames()).containsExactlyInAnyOrder("message", "type", "param", "code");
    assertThat(error.getString("message")).isEqualTo("The model `no/such-model` does not exist.");
  }
}
