package io.fleetlb.sim;

import static io.fleetlb.sim.SimHttp.chat;
import static io.fleetlb.sim.SimHttp.json;
import static io.fleetlb.sim.SimHttp.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetlb.sim.engine.FinishReason;
import io.fleetlb.sim.replica.ReplicaOptions;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Fault injection, client disconnects and connection handling. */
class FaultsAndLifecycleTest {

  static final String MODEL = "meta-llama/Llama-3.1-8B-Instruct";
  Vertx vertx;
  SimReplica sim;

  @BeforeEach
  void vertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    if (sim != null) {
      sim.close().await(5, TimeUnit.SECONDS);
    }
    vertx.close().await(5, TimeUnit.SECONDS);
  }

  private SimReplica start(ReplicaOptions.Builder b) throws Exception {
    sim = SimReplica.start(vertx, b.build()).await(10, TimeUnit.SECONDS);
    return sim;
  }

  @Test
  void startupDelayAnswers503UntilLoaded() throws Exception {
    start(ReplicaOptions.builder(MODEL).startupDelay(Duration.ofMillis(800)));
    assertThat(SimHttp.get(sim.port(), "/health").statusCode()).isEqualTo(503);
    var r = post(sim.port(), "/v1/chat/completions", chat(MODEL, 2, ""));
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(json(r).at("/error/code").asInt()).isEqualTo(503);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> SimHttp.get(sim.port(), "/health").statusCode() == 200);
    assertThat(
            post(sim.port(), "/v1/chat/completions", chat(MODEL, 2, "\"max_tokens\":2"))
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void errorRateFailsRequestsBeforeAnyOutput() throws Exception {
    start(ReplicaOptions.builder(MODEL).errorRate(1.0));
    var r = post(sim.port(), "/v1/chat/completions", chat(MODEL, 2, "\"stream\":true"));
    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(json(r).at("/error/type").asText()).isEqualTo("InternalServerError");
    sim.faults().update(new io.vertx.core.json.JsonObject().put("error_rate", 0.0));
    assertThat(
            post(sim.port(), "/v1/chat/completions", chat(MODEL, 2, "\"max_tokens\":2"))
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void stallAfterStopsSendingMidStreamAndDisconnectAbortsTheSequence() throws Exception {
    start(ReplicaOptions.builder(MODEL).stallAfter(3).timeScale(10));
    try (Socket s =
        SimHttp.open(
            sim.port(),
            chat(MODEL, 5, "\"stream\":true,\"max_tokens\":5000,\"ignore_eos\":true"))) {
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      int events = 0;
      s.setSoTimeout(1500);
      try {
        String line;
        while ((line = in.readLine()) != null) {
          if (line.contains("data: ")) {
            events++;
          }
        }
      } catch (java.net.SocketTimeoutException expected) {
        // the stream went silent: that is the fault
      }
      assertThat(events).isEqualTo(1 + 3); // role chunk + 3 tokens, then nothing
      assertThat(sim.gauges().running()).isEqualTo(1);
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              assertThat(sim.gauges().running()).isZero();
              assertThat(sim.metrics().finished(FinishReason.ABORT)).isEqualTo(1);
              assertThat(sim.gauges().kvBlocksUsed()).isZero();
              assertThat(sim.inFlight()).isZero();
            });
  }

  @Test
  void clientLeavingANonStreamingRequestAbortsItToo() throws Exception {
    start(ReplicaOptions.builder(MODEL));
    Socket s =
        SimHttp.open(sim.port(), chat(MODEL, 5, "\"max_tokens\":100000,\"ignore_eos\":true"));
    await().atMost(Duration.ofSeconds(5)).until(() -> sim.gauges().running() == 1);
    s.close();
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              assertThat(sim.gauges().running()).isZero();
              assertThat(sim.metrics().finished(FinishReason.ABORT)).isEqualTo(1);
              assertThat(sim.inFlight()).isZero();
            });
  }

  @Test
  void clientLeavingWhileQueuedNeverReachesTheGpu() throws Exception {
    start(ReplicaOptions.builder(MODEL).maxNumSeqs(1));
    Socket first =
        SimHttp.open(sim.port(), chat(MODEL, 5, "\"max_tokens\":100000,\"ignore_eos\":true"));
    Socket second = SimHttp.open(sim.port(), chat(MODEL, 5, "\"max_tokens\":10"));
    await().atMost(Duration.ofSeconds(5)).until(() -> sim.gauges().waiting() == 1);
    second.close();
    await().atMost(Duration.ofSeconds(5)).until(() -> sim.gauges().waiting() == 0);
    assertThat(sim.metrics().ttft.snapshot().count())
        .isEqualTo(1); // only the first one got a token
    first.close();
    await().atMost(Duration.ofSeconds(5)).until(() -> sim.gauges().running() == 0);
  }

  @Test
  void idleKeepAliveConnectionsAreClosedLikeUvicorn() throws Exception {
    start(ReplicaOptions.builder(MODEL).keepAliveTimeout(Duration.ofMillis(300)));
    try (Socket s = new Socket("127.0.0.1", sim.port())) {
      s.getOutputStream()
          .write("GET /health HTTP/1.1\r\nhost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      s.setSoTimeout(5000);
      var in = s.getInputStream();
      byte[] head = in.readNBytes(15);
      assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200 OK");
      long t0 = System.nanoTime();
      while (in.read() != -1) {
        // drain until the server closes the idle connection
      }
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(4));
    }
  }

  @Test
  void slowdownCanBeChangedWhileRunning() throws Exception {
    start(ReplicaOptions.builder(MODEL).timeScale(10));
    var r = post(sim.port(), "/sim/faults", "{\"slowdown\":3.0}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).get("slowdown").asDouble()).isEqualTo(3.0);
    post(
        sim.port(),
        "/v1/chat/completions",
        chat(MODEL, 5, "\"max_tokens\":100,\"ignore_eos\":true"));
    // judged on the engine's planned GPU time, not on how fast this machine ran it
    double plannedSeconds = sim.metrics().gpu.read(0).busyNanos() / 1e9;
    assertThat(plannedSeconds / 100).isBetween(0.019, 0.024); // 3 x ~7 ms per token
    assertThat(post(sim.port(), "/sim/faults", "{\"slowdown\":-1}").statusCode()).isEqualTo(400);
    assertThat(post(sim.port(), "/sim/faults", "{\"bogus\":1}").statusCode()).isEqualTo(400);
  }
}
