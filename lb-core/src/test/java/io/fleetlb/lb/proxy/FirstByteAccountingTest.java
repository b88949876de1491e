package io.fleetlb.lb.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetlb.lb.policy.LoadView;
import io.fleetlb.lb.policy.RequestInfo;
import io.fleetlb.lb.policy.RoutingPolicy;
import io.fleetlb.lb.pool.Replica;
import io.fleetlb.lb.testing.ProxyTestBase;
import io.fleetlb.lb.testing.RawClient;
import io.fleetlb.lb.testing.RouterHarness;
import io.fleetlb.lb.testing.ScriptedUpstream;
import io.fleetlb.lb.testing.Scripts;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The per-request facts a policy weighs replicas by: the request's estimated size reaches the
 * policy, and each replica's awaiting-first-byte count and token sums rise at dispatch and fall
 * exactly once, at the first response byte or at the end, on every path (the base class checks
 * they are back to 0 after each test).
 */
class FirstByteAccountingTest extends ProxyTestBase {
  /** 2,000 characters of prompt, 1 message: 500 + 4 estimated tokens; 256 output tokens. */
  private static final String CHAT = "{\"model\":\"m\",\"stream\":true,\"max_completion_tokens\":256,"
      + "\"messages\":[{\"role\":\"user\",\"content\":\"" + "w".repeat(2000) + "\"}]}";
  private static final RequestInfo INFO = new RequestInfo(504, 256, true);

  private Replica replica() {
    return h.router().pool().replicas().get(0);
  }

  @Test
  void aStreamAwaitsItsFirstByteDuringPrefillThenHoldsOnlyItsTokens() {
    ScriptedUpstream up = upstream("m", Scripts.stall());
    List<RequestInfo> seen = new CopyOnWriteArrayList<>();
    start(RouterHarness.builder().replica("r", up).policy(new RoutingPolicy() {
      @Override
      public Replica pick(List<Replica> candidates, LoadView load) {
        throw new AssertionError("the router must call the form with the request");
      }

      @Override
      public Replica pick(List<Replica> candidates, LoadView load, RequestInfo request) {
        seen.add(request);
        return candidates.get(0);
      }
    }));
    LoadView load = h.router().load();
    try (RawClient c = RawClient.connect(h.router().port())) {
      c.post("/v1/chat/completions", CHAT);
      ScriptedUpstream.Call call = up.awaitCall(0);
      assertThat(seen).hasSize(1);
      assertThat(seen.get(0).withBody(null)).isEqualTo(INFO);
      assertThat(seen.get(0).body().toString()).as("the body as sent").isEqualTo(CHAT);
      assertThat(load.awaitingFirstByte(replica())).isEqualTo(1);
      assertThat(load.pendingPromptTokens(replica())).isEqualTo(504);
      assertThat(load.inFlightTokens(replica())).isEqualTo(760);

      // The SSE head alone is not a byte of the answer: vLLM sends it before the prefill ends,
      // and the router holds it back until the first event (the replica could still fail). Nor
      // is it a sign of progress: vLLM sends it whether its engine runs or not.
      long dispatched = h.router().pool().lastProgressNanos(replica());
      call.vertx.runOnContext(v -> call.request.response().setChunked(true)
          .putHeader("content-type", "text/event-stream").writeHead());
      await().during(Duration.ofMillis(300)).atMost(5, TimeUnit.SECONDS).until(() ->
          h.router().pool().lastProgressNanos(replica()) == dispatched
              && load.awaitingFirstByte(replica()) == 1 && c.text().isEmpty());

      call.vertx.runOnContext(v -> call.request.response().write("data: {\"choices\":[]}\n\n"));
      c.readUntil("text/event-stream", Duration.ofSeconds(5));
      await().atMost(5, TimeUnit.SECONDS).until(() -> load.awaitingFirstByte(replica()) == 0);
      assertThat(load.pendingPromptTokens(replica())).isZero();
      assertThat(load.inFlightTokens(replica())).as("decoding").isEqualTo(760);
      assertThat(load.inFlight(replica())).isEqualTo(1);

      call.vertx.runOnContext(v -> call.request.response().end("data: [DONE]\n\n"));
      c.readUntil("[DONE]", Duration.ofSeconds(5));
    }
    h.assertBalanced();
  }

  @Test
  void aClientLeavingDuringPrefillReleasesEverything() {
    ScriptedUpstream up = upstream("m", Scripts.stall());
    start(RouterHarness.builder().replica("r", up));
    RawClient c = RawClient.connect(h.router().port());
    c.post("/v1/chat/completions", CHAT);
    up.awaitCall(0);
    assertThat(h.router().load().awaitingFirstByte(replica())).isEqualTo(1);
    c.closeNow();
    h.assertBalanced();
    assertThat(h.router().load().cancelled(replica())).isEqualTo(1);
  }

  @Test
  void aDiscardedNotAdmittedAnswerAndItsRetryAreEachCountedOnce() {
    ScriptedUpstream busy = upstream("m", Scripts.json(503, "{\"error\":{}}"));
    ScriptedUpstream good = upstream("m", Scripts.sse(3, 20, 5));
    start(RouterHarness.builder().replica("busy", busy).replica("good", good)
        .section("health_check", "{ enabled: false }"));
    assertThat(h.post("/v1/chat/completions", CHAT).statusCode()).isEqualTo(200);
    h.assertBalanced();
    List<Replica> rs = h.router().pool().replicas();
    assertThat(h.router().load().failed(rs.get(0))).isEqualTo(1);
    assertThat(h.router().load().completed(rs.get(1))).isEqualTo(1);
  }

  @Test
  void aFirstByteTimeoutReleasesTheShareItNeverGot() {
    ScriptedUpstream up = upstream("m", Scripts.headThenStall());
    start(RouterHarness.builder().replica("r", up)
        .section("timeouts", "{ connect: 1s, first_byte: 5s, stream_idle: 300ms }"));
    assertThat(h.post("/v1/chat/completions", CHAT).body()).contains("GatewayTimeoutError");
    h.assertBalanced();
  }
}
