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
import io.vertx.core.Future;
import java.net.ConnectException;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Graceful drain, exercised in-process through the same {@code drain()} the SIGTERM hook calls:
 * health turns 503, new requests are refused, streams in flight finish (or are ended with an
 * error at the drain timeout), then the listeners close.
 */
class DrainTest extends ProxyTestBase {

  @Test
  void streamsInFlightFinishWhileNewRequestsAreRefused() throws Exception {
    ScriptedUpstream up = upstream("m", Scripts.sse(8, 50, 150));
    RouterHarness h = start(RouterHarness.builder().replica("r", up));
    CompletableFuture<HttpResponse<String>> stream = h.http().sendAsync(
        HttpRequest.newBuilder(h.uri("/v1/chat/completions"))
            .POST(HttpRequest.BodyPublishers.ofString(RouterHarness.chat("m", true))).build(),
        HttpResponse.BodyHandlers.ofString());
    up.awaitCall(0);
    int port = h.router().port();

    Future<Void> drained = h.router().drain();

    HttpResponse<String> health = h.get("/health");
    assertThat(health.statusCode()).isEqualTo(503);
    assertThat(health.body()).isEqualTo("{\"status\":\"draining\"}");
    HttpResponse<String> refused = h.post("/v1/completions", "{\"model\":\"m\"}");
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.headers().firstValue("retry-after")).hasValue("1");
    assertThat(refused.headers().firstValue("connection")).hasValue("close");
    assertThat(refused.body()).contains("shutting down");
    assertThat(h.log().awaitMatch(e -> e.reason() == Reason.DRAINING).status()).isEqualTo(503);
    assertThat(h.metric("lb_draining")).isEqualTo(1);

    HttpResponse<String> done = stream.get(10, TimeUnit.SECONDS);
    assertThat(done.statusCode()).isEqualTo(200);
    assertThat(done.body()).contains("\"i\":7").endsWith("data: [DONE]\n\n");
    drained.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    AccessLogEntry e = h.log().awaitMatch(x -> x.path().equals("/v1/chat/completions")
        && x.status() == 200);
    assertThat(e.reason()).isEqualTo(Reason.COMPLETE);
    await().atMost(5, TimeUnit.SECONDS).untilAsserted(() ->
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Socket("127.0.0.1", port))
            .isInstanceOf(ConnectException.class));
  }

  @Test
  void theDrainTimeoutEndsLongStreamsWithAnErrorEvent() throws Exception {
    ScriptedUpstream up = upstream("m", Scripts.sse(10_000, 10, 50));
    RouterHarness h = start(RouterHarness.builder().replica("r", up));
    try (RawClient c = RawClient.connect(h.router().port())) {
      c.post("/v1/chat/completions", RouterHarness.chat("m", true));
      c.readUntil("\"i\":1", Duration.ofSeconds(10));
      h.router().drain(Duration.ofMillis(400)).toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      c.readUntil("\r\n0\r\n\r\n", Duration.ofSeconds(10));
      assertThat(c.body()).doesNotContain("[DONE]").contains("data: {\"error\":{\"message\":"
          + "\"The router is shutting down; the response is incomplete\"");
    }
    ScriptedUpstream.Call call = up.awaitCall(0);
    await().atMost(5, TimeUnit.SECONDS).until(call::wasReset);
    AccessLogEntry e = h.log().awaitNth(0);
    assertThat(e.reason()).isEqualTo(Reason.DRAIN_TIMEOUT);
    assertThat(h.router().pool().cancelled(h.router().pool().replicas().get(0))).isEqualTo(1);
  }

  @Test
  void aRequestStillWaitingForItsReplicaGets503AtTheDrainTimeout() throws Exception {
    ScriptedUpstream up = upstream("m", Scripts.delayed(30_000, "{}"));
    RouterHarness h = start(RouterHarness.builder().replica("r", up));
    CompletableFuture<HttpResponse<String>> slow = h.http().sendAsync(
        HttpRequest.newBuilder(h.uri("/v1/completions"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    ScriptedUpstream.Call call = up.awaitCall(0);
    h.router().drain(Duration.ofMillis(300));
    HttpResponse<String> r = slow.get(10, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.body()).contains("The router is shutting down");
    await().atMost(5, TimeUnit.SECONDS).until(call::wasReset);
    assertThat(h.log().awaitNth(0).reason()).isEqualTo(Reason.DRAIN_TIMEOUT);
  }

  @Test
  void drainIsIdempotentAndCloseIsImmediate() throws Exception {
    ScriptedUpstream up = upstream("m", Scripts.ok());
    RouterHarness h = start(RouterHarness.builder().replica("r", up));
    Future<Void> a = h.router().drain();
    Future<Void> b = h.router().close();
    assertThat(b).isSameAs(a);
    a.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(h.router().draining()).isTrue();
  }
}
