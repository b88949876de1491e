package io.fleetlb.sim;

import static io.fleetlb.sim.SimHttp.chat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetlb.sim.fleet.FleetFile;
import io.fleetlb.sim.replica.ReplicaOptions;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --request-log}: what each request asked of the replica and what it sent back. */
class RequestLogTest {

  static final String MODEL = "meta-llama/Llama-3.1-8B-Instruct";
  static final HttpClient CLIENT = HttpClient.newHttpClient();

  @TempDir
  Path dir;
  Path log;
  Vertx vertx;
  SimReplica sim;

  @BeforeEach
  void vertx() {
    vertx = Vertx.vertx();
    log = dir.resolve("requests.jsonl");
  }

  @AfterEach
  void stop() throws Exception {
    if (sim != null) {
      sim.close().await(5, TimeUnit.SECONDS);
    }
    vertx.close().await(5, TimeUnit.SECONDS);
  }

  private void start(ReplicaOptions.Builder b) throws Exception {
    sim = SimReplica.start(vertx, b.id("r1").timeScale(10).requestLog(log).build()).await(10, TimeUnit.SECONDS);
  }

  private HttpResponse<String> post(String requestId, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sim.port()
        + "/v1/chat/completions")).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(30));
    if (requestId != null) {
      b.header("x-request-id", requestId);
    }
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private List<JsonNode> lines(int expected) {
    return await().atMost(Duration.ofSeconds(10)).until(
        () -> Files.exists(log) ? Files.readAllLines(log).stream().map(SimHttp::json).toList() : List.of(),
        l -> l.size() >= expected);
  }

  @Test
  void aStreamLeavesItsFirstTokenAndItsEndWithTheTokensSent() throws Exception {
    start(ReplicaOptions.builder(MODEL));
    var r = post("soak-rr-1", chat(MODEL, 5, "\"stream\":true,\"max_tokens\":7,\"ignore_eos\":true"));
    assertThat(r.statusCode()).isEqualTo(200);
    List<JsonNode> l = lines(2);
    assertThat(l).hasSize(2);
    JsonNode first = l.get(0);
    JsonNode end = l.get(1);
    assertThat(first.get("event").asText()).isEqualTo("first_token");
    assertThat(first.get("tokens").asInt()).isEqualTo(1);
    assertThat(end.get("event").asText()).isEqualTo("end");
    for (JsonNode n : l) {
      assertThat(n.get("replica").asText()).isEqualTo("r1");
      assertThat(n.get("request_id").asText()).isEqualTo("soak-rr-1");
      assertThat(n.get("model").asText()).isEqualTo(MODEL);
      assertThat(n.get("stream").asBoolean()).isTrue();
    }
    assertThat(end.get("outcome").asText()).isEqualTo("finished");
    assertThat(end.get("status").asInt()).isEqualTo(200);
    assertThat(end.get("finish_reason").asText()).isEqualTo("length");
    assertThat(end.get("tokens").asInt()).isEqualTo(7);
    assertThat(end.get("first_token_us").asLong()).isEqualTo(first.get("first_token_us").asLong())
        .isGreaterThanOrEqualTo(end.get("received_us").asLong())
        .isLessThanOrEqualTo(end.get("end_us").asLong());
  }

  @Test
  void aStalledStreamCutByItsClientCountsOnlyTheTokensThatWentOut() throws Exception {
    start(ReplicaOptions.builder(MODEL).stallAfter(3));
    try (java.net.Socket s = SimHttp.open(sim.port(),
        chat(MODEL, 5, "\"stream\":true,\"max_tokens\":5000,\"ignore_eos\":true"))) {
      lines(1); // the first token went out
    }
    JsonNode end = lines(2).get(1);
    assertThat(end.get("outcome").asText()).isEqualTo("aborted");
    assertThat(end.get("tokens").asInt()).isEqualTo(3);
    assertThat(end.get("request_id").isNull()).isTrue();
    assertThat(end.get("finish_reason").isNull()).isTrue();
  }

  @Test
  void refusedRequestsEndWithTheirStatusAndNoToken() throws Exception {
    start(ReplicaOptions.builder(MODEL).errorRate(1.0));
    assertThat(post("e-1", chat(MODEL, 2, "\"stream\":true")).statusCode()).isEqualTo(500);
    assertThat(post("e-2", "{\"model\":").statusCode()).isEqualTo(400);
    List<JsonNode> l = lines(2);
    assertThat(l).extracting(n -> n.get("event").asText()).containsExactly("end", "end");
    assertThat(l).extracting(n -> n.get("request_id").asText()).containsExactly("e-1", "e-2");
    assertThat(l).extracting(n -> n.get("status").asInt()).containsExactly(500, 400);
    assertThat(l).allSatisfy(n -> {
      assertThat(n.get("outcome").asText()).isEqualTo("error");
      assertThat(n.get("tokens").asInt()).isZero();
      assertThat(n.get("first_token_us").isNull()).isTrue();
    });
  }

  @Test
  void aFleetGivesEachReplicaItsOwnLog() throws Exception {
    Path f = dir.resolve("fleet.yaml");
    Files.writeString(f, """
        replicas:
          - { model: a, port: 9001, request-log: /tmp/a.jsonl }
          - { model: b, port: 9002 }
        """);
    assertThat(FleetFile.load(f)).extracting(ReplicaOptions::requestLog)
        .containsExactly(Path.of("/tmp/a.jsonl"), null);
    Files.writeString(f, """
        replicas:
          - { model: a, port: 9001, request-log: x.jsonl }
          - { model: b, port: 9002, request-log: ./x.jsonl }
        """);
    assertThatThrownBy(() -> FleetFile.load(f)).hasMessage(
        "fleet.yaml: replicas[1].request-log: ./x.jsonl is another replica's");
  }
}
