package io.fleetlb.lb.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetlb.lb.log.AccessLogEntry;
import io.fleetlb.lb.log.Reason;
import io.fleetlb.lb.pool.Replica;
import io.fleetlb.lb.testing.ProxyTestBase;
import io.fleetlb.lb.testing.RawClient;
import io.fleetlb.lb.testing.RouterHarness;
import io.fleetlb.lb.testing.ScriptedUpstream;
import io.fleetlb.lb.testing.Scripts;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A client that goes away gets its upstream request reset at once (so the replica stops
 * generating), is logged as 499, is never retried elsewhere and never counts against the replica.
 */
class ClientDisconnectTest extends ProxyTestBase {
  private ScriptedUpstream first;
  private ScriptedUpstream second;

  private RouterHarness router(ScriptedUpstream.Script script, String listen) {
    first = upstream("m", script);
    second = upstream("m", Scripts.ok());
    RouterHarness.Builder b = RouterHarness.builder().replica("first", first)
        .replica("second", second)
        // One failure would eject: proves a cancel is not counted as one.
        .section("ejection", "{ consecutive_failures: 1, max_ejected_percent: 100 }");
    if (listen != null) {
      b.section("listen", listen);
    }
    return start(b);
  }

  /** Closes the client, waits for the upstream reset, returns the propagation delay. */
  private Duration closeAndAwaitReset(RawClient client, ScriptedUpstream.Call call) {
    long closedAt = client.closeNow();
    await().atMost(5, TimeUnit.SECONDS).until(call::wasReset);
    Duration d = Duration.ofNanos(call.closedNanos() - closedAt);
    System.out.println("client close -> upstream reset: " + d.toMillis() + " ms");
    return d;
  }

  private void assertCancelledAndNotHeldAgainstTheReplica() {
    AccessLogEntry e = h.log().awaitNth(0);
    assertThat(e.status()).isEqualTo(499);
    assertThat(e.reason()).isEqualTo(Reason.CLIENT_GONE);
    assertThat(e.replica()).isEqualTo("first");
    assertThat(e.attempts()).isEqualTo(1);
    Replica r = h.router().pool().replicas().get(0);
    await().atMost(5, TimeUnit.SECONDS).until(() -> h.router().pool().cancelled(r) == 1);
    assertThat(h.router().pool().failed(r)).isZero();
    assertThat(h.router().pool().ejected(r)).isFalse();
    assertThat(second.calls()).as("no other replica is tried").isEmpty();
    assertThat(h.metric("lb_requests_total", "code=\"499\"", "reason=\"client_gone\""))
        .isEqualTo(1);
    assertThat(h.metric("lb_upstream_attempts_total", "replica=\"first\"",
        "result=\"cancelled\"")).isEqualTo(1);
  }

  @Test
  void duringTheLongPrefillOfANonStreamingRequest() {
    RouterHarness h = router(Scripts.delayed(30_000, "{}"), null);
    RawClient c = RawClient.connect(h.router().port());
    c.post("/v1/completions", "{\"model\":\"m\",\"stream\":false}");
    ScriptedUpstream.Call call = first.awaitCall(0);
    assertThat(closeAndAwaitReset(c, call)).isLessThan(Duration.ofSeconds(2));
    assertCancelledAndNotHeldAgainstTheReplica();
  }

  @Test
  void afterTheStreamHeadBeforeTheFirstToken() {
    RouterHarness h = router(Scripts.stall(), null);
    RawClient c = RawClient.connect(h.router().port());
    c.post("/v1/chat/completions", RouterHarness.chat("m", true));
    ScriptedUpstream.Call call = first.awaitCall(0);
    Replica r = h.router().pool().replicas().get(0);
    long dispatched = h.router().pool().lastProgressNanos(r);
    call.vertx.runOnContext(v -> call.request.response().setChunked(true)
        .putHeader("content-type", "text/event-stream").writeHead());
    // The client gets the head with the first token; the head alone is no sign of progress (vLLM
    // sends it before its engine does anything).
    await().during(Duration.ofMillis(300)).atMost(5, TimeUnit.SECONDS).until(() ->
        c.text().isEmpty() && h.router().pool().lastProgressNanos(r) == dispatched);
    assertThat(closeAndAwaitReset(c, call)).isLessThan(Duration.ofSeconds(2));
    assertCancelledAndNotHeldAgainstTheReplica();
  }

  @Test
  void midStream() {
    RouterHarness h = router(Scripts.sse(1000, 10, 50), null);
    RawClient c = RawClient.connect(h.router().port());
    c.post("/v1/chat/completions", RouterHarness.chat("m", true));
    c.readUntil("\"i\":2", Duration.ofSeconds(10));
    ScriptedUpstream.Call call = first.awaitCall(0);
    assertThat(closeAndAwaitReset(c, call)).isLessThan(Duration.ofSeconds(2));
    assertThat(call.ended()).isFalse();
    assertCancelledAndNotHeldAgainstTheReplica();
  }

  @Test
  void whileStillSendingTheBodyNoReplicaIsContacted() {
    RouterHarness h = router(Scripts.ok(), null);
    RawClient c = RawClient.connect(h.router().port());
    c.send(RawClient.postHead("/v1/completions", 5000)).send("{\"model\":\"m\",\"prompt\":\"");
    await().atMost(5, TimeUnit.SECONDS).until(() -> h.router().activeRequests() == 1);
    c.closeNow();
    AccessLogEntry e = h.log().awaitNth(0);
    assertThat(e.status()).isEqualTo(499);
    assertThat(e.reason()).isEqualTo(Reason.CLIENT_GONE);
    assertThat(e.attempts()).isZero();
    assertThat(first.calls()).isEmpty();
    assertThat(second.calls()).isEmpty();
  }

  @Test
  void anHttp2StreamResetCancelsOnlyItsOwnUpstreamRequest() throws Exception {
    RouterHarness h = router(Scripts.sse(1000, 10, 50),
        "{ host: 127.0.0.1, port: 0, event_loops: 2, h2c: true }");
    HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
    try {
      RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
          .setHost("127.0.0.1").setPort(h.router().port()).setURI("/v1/chat/completions");
      CompletableFuture<HttpClientRequest> sent = new CompletableFuture<>();
      CompletableFuture<Void> twoEvents = new CompletableFuture<>();
      client.request(options).onSuccess(req -> {
        req.send(Buffer.buffer(RouterHarness.chat("m", true))).onSuccess(resp -> {
          StringBuilder got = new StringBuilder();
          resp.handler(b -> {
            got.append(b);
            if (got.toString().contains("\"i\":1")) {
              twoEvents.complete(null);
            }
          });
        });
        sent.complete(req);
      });
      HttpClientRequest req = sent.get(10, TimeUnit.SECONDS);
      twoEvents.get(10, TimeUnit.SECONDS);
      assertThat(req.version()).isEqualTo(HttpVersion.HTTP_2);
      ScriptedUpstream.Call call = first.awaitCall(0);
      req.reset();
      await().atMost(5, TimeUnit.SECONDS).until(call::wasReset);
      // The connection carries on: a second stream on it completes normally.
      first.script(Scripts.ok());
      HttpClientResponse again = client.request(options)
          .compose(r -> r.send(Buffer.buffer("{\"model\":\"m\"}")))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(again.statusCode()).isEqualTo(200);
      assertThat(again.version()).isEqualTo(HttpVersion.HTTP_2);
      assertThat(again.getHeader("x-lb-replica")).isEqualTo("first");
    } finally {
      client.close();
    }
    AccessLogEntry e = h.log().awaitNth(0);
    assertThat(e.reason()).isEqualTo(Reason.CLIENT_GONE);
    assertThat(e.protocol()).isEqualTo("HTTP/2");
    // An HTTP/2 stream closes as soon as it ends: that close is not the client leaving.
    AccessLogEntry ok = h.log().awaitNth(1);
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.reason()).isEqualTo(Reason.COMPLETE);
    assertThat(second.calls()).isEmpty();
  }
}
