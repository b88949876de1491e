package io.fleetlb.lb.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetlb.lb.log.AccessLogEntry;
import io.fleetlb.lb.log.Reason;
import io.fleetlb.lb.testing.ProxyTestBase;
import io.fleetlb.lb.testing.RawClient;
import io.fleetlb.lb.testing.RouterHarness;
import io.fleetlb.lb.testing.ScriptedUpstream;
import io.fleetlb.lb.testing.Scripts;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The happy paths: bytes, headers and streams pass through unchanged and are accounted. */
class RelayTest extends ProxyTestBase {

  @Test
  void forwardsTheOriginalBodyBytesAndRelaysTheAnswer() {
    ScriptedUpstream up = upstream("m/A", Scripts.ok());
    RouterHarness h = start(RouterHarness.builder().replica("a-1", up));
    // Odd spacing, escapes and non-ASCII must reach the replica byte for byte.
    String body = "{ \"model\" : \"m/A\",\n\t\"messages\":[{\"role\":\"user\",\"content\":"
        + "\"h\\u00e9llo \u00e9\u4e16 \\\"q\\\"\"}] , \"stream\":false }";
    HttpResponse<String> r = h.post("/v1/chat/completions?x=1", body);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-lb-replica")).hasValue("a-1");
    assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
    int length = body.getBytes(StandardCharsets.UTF_8).length;
    assertThat(r.body()).isEqualTo("{\"id\":\"cmpl-1\",\"object\":\"chat.completion\",\"received\":"
        + length + "}");
    ScriptedUpstream.Call call = up.awaitCall(0);
    assertThat(call.body.getBytes()).isEqualTo(body.getBytes(StandardCharsets.UTF_8));
    assertThat(call.uri).isEqualTo("/v1/chat/completions?x=1");

    AccessLogEntry e = h.log().awaitNth(0);
    assertThat(e.reason()).isEqualTo(Reason.COMPLETE);
    assertThat(e.status()).isEqualTo(200);
    assertThat(e.replica()).isEqualTo("a-1");
    assertThat(e.model()).isEqualTo("m/A");
    assertThat(e.attempts()).isEqualTo(1);
    assertThat(h.metric("lb_requests_total", "model=\"m/A\"", "replica=\"a-1\"", "code=\"200\"",
        "reason=\"complete\"")).isEqualTo(1.0);
    assertThat(h.metric("lb_upstream_attempts_total", "replica=\"a-1\"", "result=\"completed\""))
        .isEqualTo(1.0);
    assertThat(h.metric("lb_upstream_time_to_first_byte_seconds_count", "replica=\"a-1\""))
        .isEqualTo(1.0);
  }

  @Test
  void aOneMebibytePromptPassesIntact() {
    ScriptedUpstream up = upstream("m", Scripts.ok());
    RouterHarness h = start(RouterHarness.builder().replica("r", up));
    byte[] noise = new byte[1024 * 1024];
    new Random(7).nextBytes(noise);
    StringBuilder prompt = new StringBuilder();
    for (byte b : noise) {
      prompt.append((char) ('a' + Math.floorMod(b, 26)));
    }
    String body = "{\"model\":\"m\",\"prompt\":\"" + prompt + "\"}";
    HttpResponse<String> r = h.post("/v1/completions", body);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(up.awaitCall(0).body.getBytes()).isEqualTo(body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void authorizationPassesAndHopByHopAndReplicaInternalHeadersDoNot() {
    ScriptedUpstream up = upstream("m", call -> call.request.response()
        .putHeader("server", "uvicorn").putHeader("x-upstream", "kept")
        .putHeader("connection", "keep-alive, x-upstream-hop").putHeader("x-upstream-hop", "no")
        .putHeader("x-lb-replica", "spoofed").end("{}"));
    RouterHarness h = start(RouterHarness.builder().replica("r", up));
    try (RawClient c = RawClient.connect(h.router().port())) {
      c.post("/v1/completions", "{\"model\":\"m\"}", "Authorization: Bearer sk-secret",
          "Connection: keep-alive, X-Hop", "X-Hop: drop-me", "Keep-Alive: timeout=5",
          "Proxy-Authorization: Basic eA==", "X-Request-Id: client-42", "X-Forwarded-For: 10.1.1.1",
          "TE: trailers", "X-Custom: kept");
      String text = c.readUntil("{}", Duration.ofSeconds(10)).toLowerCase();
      assertThat(text).startsWith("http/1.1 200").contains("x-lb-replica: r\r\n")
          .contains("x-request-id: client-42").doesNotContain("x-upstream")
          .doesNotContain("spoofed").doesNotContain("uvicorn").doesNotContain("x-upstream-hop");
    }
    ScriptedUpstream.Call call = up.awaitCall(0);
    assertThat(call.headers.get("authorization")).isEqualTo("Bearer sk-secret");
    assertThat(call.headers.get("x-custom")).isEqualTo("kept");
    assertThat(call.headers.get("x-request-id")).isEqualTo("client-42");
    assertThat(call.headers.get("x-forwarded-for")).as("a client's own XFF is not believed")
        .isEqualTo("127.0.0.1");
    assertThat(call.headers.get("host")).isEqualTo("127.0.0.1:" + up.port());
    assertThat(call.headers.names()).map(String::toLowerCase)
        .doesNotContain("x-hop", "keep-alive", "proxy-authorization", "te");
    assertThat(h.log().awaitNth(0).requestId()).isEqualTo("client-42");
  }

  @Test
  void malformedClientRequestIdsAreReplaced() {
    ScriptedUpstream up = upstream("m", Scripts.ok());
    RouterHarness h = start(RouterHarness.builder().replica("r", up));
    HttpResponse<String> r = h.send(HttpRequest.newBuilder(h.uri("/v1/completions"))
        .header("x-request-id", "evil\" reason=forged")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\"}")).build());
    String id = r.headers().firstValue("x-request-id").orElseThrow();
    assertThat(id).matches("[0-9a-f]{32}");
    assertThat(up.awaitCall(0).headers.get("x-request-id")).isEqualTo(id);
    assertThat(h.log().awaitNth(0).requestId()).isEqualTo(id);
  }

  @Test
  void replicaClientErrorsAreRelayedAsTheyAreServerErrorsReplaced() {
    String vllm400 = "{\"error\":{\"message\":\"This model's maximum context length is 4096 tokens."
        + "\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}}";
    ScriptedUpstream up = upstream("m", Scripts.json(400, vllm400));
    RouterHarness h = start(RouterHarness.builder().replica("r", up)
        .section("retry", "{ on_status: [] }"));
    HttpResponse<String> r = h.post("/v1/completions", "{\"model\":\"m\"}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).isEqualTo(vllm400);
    assertThat(r.headers().firstValue("x-lb-replica")).hasValue("r");
    up.script(Scripts.json(500, "{\"error\":{\"message\":\"boom\"}}"));
    HttpResponse<String> r500 = h.post("/v1/completions", "{\"model\":\"m\"}");
    assertThat(r500.statusCode()).isEqualTo(500);
    assertThat(r500.headers().firstValue("x-lb-replica")).hasValue("r");
    assertThat(r500.body()).doesNotContain("boom");
    assertThat(h.log().awaitNth(1).reason()).isEqualTo(Reason.UPSTREAM_ERROR);
    assertThat(h.metric("lb_requests_total", "code=\"400\"", "reason=\"complete\"")).isEqualTo(1);
    assertThat(h.metric("lb_requests_total", "code=\"500\"", "reason=\"upstream_error\""))
        .isEqualTo(1);
  }

  @Test
  void serverSentEventsAreRelayedAsTheyArrive() throws Exception {
    ScriptedUpstream up = upstream("m", Scripts.sse(6, 100, 300));
    RouterHarness h = start(RouterHarness.builder().replica("r", up));
    HttpResponse<InputStream> r = h.http().send(HttpRequest.newBuilder(h.uri("/v1/chat/completions"))
            .POST(HttpRequest.BodyPublishers.ofString(RouterHarness.chat("m", true))).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("text/event-stream");
    assertThat(r.headers().firstValue("x-lb-replica")).hasValue("r");
    ScriptedUpstream.Call call = up.awaitCall(0);
    List<String> events = new ArrayList<>();
    boolean firstEventBeforeUpstreamEnded;
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(r.body(),
        StandardCharsets.UTF_8))) {
      String first = lines.readLine();
      // The upstream still has 5 events (1.5 s) to send when the first one reaches the client.
      firstEventBeforeUpstreamEnded = !call.ended();
      events.add(first);
      for (String l = lines.readLine(); l != null; l = lines.readLine()) {
        if (!l.isEmpty()) {
          events.add(l);
        }
      }
    }
    assertThat(firstEventBeforeUpstreamEnded).as("relayed before the upstream finished").isTrue();
    assertThat(events).hasSize(7).startsWith("data: {\"i\":0,\"choices\":[{\"delta\":"
        + "{\"content\":\" w0\"}}]}").endsWith("data: [DONE]");
    AccessLogEntry e = h.log().awaitNth(0);
    assertThat(e.reason()).isEqualTo(Reason.COMPLETE);
    assertThat(e.firstByteMicros()).isBetween(0L, e.durationMicros() - 1_000_000);
  }

  @Test
  void aNonStreamingAnswerIsRelayedAsItArrivesNotHeldToItsEnd() {
    // The replica sends the head and part of a JSON body, then holds the rest until the test has
    // seen that part at the client: a router holding a non-SSE body back until its end (to write
    // it in one piece) would never pass this.
    AtomicBoolean rest = new AtomicBoolean();
    ScriptedUpstream up = upstream("m", call -> {
      HttpServerResponse r = call.request.response().setChunked(true)
          .putHeader("content-type", "application/json");
      r.write("{\"part\":\"one\",");
      call.vertx.setPeriodic(20, t -> {
        if (rest.get() || r.closed()) {
          call.vertx.cancelTimer(t);
          if (!r.closed()) {
            r.end("\"then\":\"two\"}");
          }
        }
      });
    });
    RouterHarness h = start(RouterHarness.builder().replica("r", up));
    try (RawClient c = RawClient.connect(h.router().port())) {
      c.post("/v1/completions", "{\"model\":\"m\"}");
      assertThat(c.readUntil("\"one\",", Duration.ofSeconds(10))).startsWith("HTTP/1.1 200");
      rest.set(true);
      assertThat(c.readUntil("\r\n0\r\n\r\n", Duration.ofSeconds(10)))
          .contains("\"then\":\"two\"}");
    }
    assertThat(h.log().awaitNth(0).reason()).isEqualTo(Reason.COMPLETE);
  }

  @Test
  void aSlowClientPausesTheUpstreamInsteadOfBuffering() throws Exception {
    // Far more than loopback socket buffers can absorb (tcp_rmem may autotune to 32 MiB per
    // socket, and four sockets sit between the upstream and the client).
    int total = 256 * 1024 * 1024;
    ScriptedUpstream up = upstream("m", Scripts.bigBody(total));
    RouterHarness h = start(RouterHarness.builder().replica("r", up));
    try (RawClient c = RawClient.connect(h.router().port())) {
      c.post("/v1/completions", "{\"model\":\"m\"}");
      ScriptedUpstream.Call call = up.awaitCall(0);
      // The client reads nothing: socket buffers fill, the router pauses the upstream and the
      // upstream's own write queue fills, so it stops writing long before 64 MiB.
      long[] last = {-1};
      await().atMost(20, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(400)).until(() -> {
        long now = call.request.response().bytesWritten();
        boolean plateau = now > 0 && now == last[0];
        last[0] = now;
        return plateau;
      });
      long writtenWhilePaused = last[0];
      assertThat(writtenWhilePaused).isLessThan(total / 2);
      assertThat(call.ended()).isFalse();
      long read = drain(c);
      assertThat(read).isGreaterThan(total);
    }
    assertThat(h.log().awaitNth(0).bytesSent()).isEqualTo(total);
  }

  private static long drain(RawClient c) throws Exception {
    InputStream in = c.input();
    byte[] buf = new byte[64 * 1024];
    long n = 0;
    while (true) {
      int k = in.read(buf);
      if (k < 0) {
        return n;
      }
      n += k;
      if (n > 256L * 1024 * 1024 && endsWithLastChunk(buf, k)) {
        return n;
      }
    }
  }

  private static boolean endsWithLastChunk(byte[] buf, int k) {
    return k >= 5 && buf[k - 5] == '0' && buf[k - 4] == '\r' && buf[k - 3] == '\n'
        && buf[k - 2] == '\r' && buf[k - 1] == '\n';
  }

  @Test
  void modelsListsEveryConfiguredModelWithTheReplicasCards() {
    ScriptedUpstream a = upstream("m/A", Scripts.ok());
    ScriptedUpstream b = upstream("m/B", Scripts.ok());
    RouterHarness h = start(RouterHarness.builder().replica("a", a).replica("b", b)
        .replica("c", "http://127.0.0.1:" + deadPort(), "m/C"));
    HttpResponse<String> r = h.get("/v1/models");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonObject json = new JsonObject(r.body());
    assertThat(json.getString("object")).isEqualTo("list");
    assertThat(json.getJsonArray("data").stream().map(o -> ((JsonObject) o).getString("id")))
        .containsExactly("m/A", "m/B", "m/C");
    JsonObject cardA = json.getJsonArray("data").getJsonObject(0);
    assertThat(cardA.getInteger("max_model_len")).as("the replica's own card").isEqualTo(4096);
    JsonObject cardC = json.getJsonArray("data").getJsonObject(2);
    assertThat(cardC.getString("owned_by")).as("made by the router").isEqualTo("fleetlb");
    assertThat(r.body()).doesNotContain("some-lora").doesNotContain("127.0.0.1");
  }

  @Test
  void healthReportsWhetherTheRouterCanServe() {
    ScriptedUpstream up = upstream("m", Scripts.ok());
    RouterHarness h = start(RouterHarness.builder().replica("r", up));
    HttpResponse<String> ok = h.get("/health");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo("{\"status\":\"ok\"}");
    HttpResponse<String> head = h.send(HttpRequest.newBuilder(h.uri("/health"))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(h.send(HttpRequest.newBuilder(h.adminUri("/health")).build()).statusCode())
        .isEqualTo(200);
  }
}
