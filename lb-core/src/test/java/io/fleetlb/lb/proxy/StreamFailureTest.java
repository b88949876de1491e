package io.fleetlb.lb.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fleetlb.lb.log.AccessLogEntry;
import io.fleetlb.lb.log.Reason;
import io.fleetlb.lb.pool.Replica;
import io.fleetlb.lb.testing.ProxyTestBase;
import io.fleetlb.lb.testing.RawClient;
import io.fleetlb.lb.testing.RouterHarness;
import io.fleetlb.lb.testing.ScriptedUpstream;
import io.fleetlb.lb.testing.Scripts;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * After the first byte reached the client a failure is never retried (no duplicate generation)
 * and never hidden: an SSE stream ends with one error event and no {@code [DONE]}, any other
 * response is cut.
 */
class StreamFailureTest extends ProxyTestBase {
  private ScriptedUpstream other;

  private RouterHarness router(ScriptedUpstream.Script script) {
    ScriptedUpstream first = upstream("m", script);
    other = upstream("m", Scripts.ok());
    return start(RouterHarness.builder().replica("first", first).replica("other", other)
        .section("timeouts", "{ stream_idle: 600ms }"));
  }

  private String stream(RouterHarness h) {
    try (RawClient c = RawClient.connect(h.router().port())) {
      c.post("/v1/chat/completions", RouterHarness.chat("m", true));
      c.readUntil("\r\n0\r\n\r\n", Duration.ofSeconds(10));
      assertThat(c.text()).startsWith("HTTP/1.1 200");
      return c.body();
    }
  }

  private void assertNotRetriedAndCountedAsFailure(Reason reason) {
    AccessLogEntry e = h.log().awaitNth(0);
    assertThat(e.reason()).isEqualTo(reason);
    assertThat(e.status()).as("the status already sent").isEqualTo(200);
    assertThat(e.attempts()).isEqualTo(1);
    assertThat(other.calls()).isEmpty();
    Replica first = h.router().pool().replicas().get(0);
    await().atMost(5, TimeUnit.SECONDS).until(() -> h.router().pool().failed(first) == 1);
    assertThat(h.metric("lb_requests_total", "code=\"200\"", "reason=\"" + reason.label() + "\""))
        .isEqualTo(1);
  }

  @Test
  void aResetMidStreamEndsWithOneErrorEventAndNoDone() {
    RouterHarness h = router(Scripts.sseThenReset(3, 30));
    String text = stream(h);
    assertThat(text).startsWith("data: {\"i\":0").contains("\"i\":1", "\"i\":2")
        .doesNotContain("[DONE]").endsWith("\"code\":502}}\n\n");
    assertThat(text).contains("\n\ndata: {\"error\":{\"message\":\"The replica failed while"
        + " sending the response; the response is incomplete\",\"type\":\"BadGatewayError\","
        + "\"param\":null,\"code\":502}}\n\n");
    assertThat(text.split("\"error\"", -1)).hasSize(2);
    assertNotRetriedAndCountedAsFailure(Reason.STREAM_BROKEN);
  }

  @Test
  void aHalfWrittenEventIsClosedBeforeTheErrorEvent() {
    RouterHarness h = router(Scripts.ssePartialEventThenReset(2, 30));
    String text = stream(h);
    assertThat(text).contains("data: {\"partial\":\n\ndata: {\"error\":");
    assertNotRetriedAndCountedAsFailure(Reason.STREAM_BROKEN);
  }

  @Test
  void aStreamSilentPastTheIdleTimeoutEndsWithAnErrorEvent() {
    RouterHarness h = router(Scripts.sseThenStall(2, 30));
    String text = stream(h);
    assertThat(text).contains("\"i\":1").doesNotContain("[DONE]")
        .contains("data: {\"error\":{\"message\":\"The replica sent nothing for")
        .contains("\"type\":\"GatewayTimeoutError\"");
    assertNotRetriedAndCountedAsFailure(Reason.STREAM_IDLE_TIMEOUT);
  }

  @Test
  void aTruncatedNonStreamingAnswerIsCutNotCompleted() {
    RouterHarness h = router(call -> {
      call.request.response().putHeader("content-length", "1000")
          .putHeader("content-type", "application/json").write("{\"id\":\"partial");
      call.vertx.setTimer(50, t -> call.request.connection().close());
    });
    assertThatThrownBy(() -> h.http().send(HttpRequest.newBuilder(h.uri("/v1/completions"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\"}")).build(),
        HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
    assertNotRetriedAndCountedAsFailure(Reason.STREAM_BROKEN);
  }

  @Test
  void aClientThatStopsReadingIsCutAfterTheIdleTimeout() {
    ScriptedUpstream big = upstream("m", Scripts.bigBody(256 * 1024 * 1024));
    start(RouterHarness.builder().replica("big", big)
        .section("timeouts", "{ stream_idle: 800ms }"));
    try (RawClient c = RawClient.connect(h.router().port())) {
      c.post("/v1/completions", "{\"model\":\"m\"}");
      AccessLogEntry e = h.log().awaitMatch(x -> true);
      assertThat(e.status()).isEqualTo(499);
      assertThat(e.reason()).isEqualTo(Reason.CLIENT_STALLED);
      await().atMost(5, TimeUnit.SECONDS).until(() -> big.awaitCall(0).wasReset());
      assertThat(c.awaitClosed(Duration.ofSeconds(10))).isTrue();
    }
    Replica r = h.router().pool().replicas().get(0);
    assertThat(h.router().pool().cancelled(r)).isEqualTo(1);
    assertThat(h.router().pool().ejected(r)).isFalse();
  }
}
