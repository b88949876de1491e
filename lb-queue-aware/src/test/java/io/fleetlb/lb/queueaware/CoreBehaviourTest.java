package io.fleetlb.lb.queueaware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetlb.lb.log.AccessLogEntry;
import io.fleetlb.lb.log.Reason;
import io.fleetlb.lb.queueaware.scrape.Expositions;
import io.fleetlb.lb.testing.RawClient;
import io.fleetlb.lb.testing.RouterHarness;
import io.fleetlb.lb.testing.ScriptedUpstream;
import io.fleetlb.lb.testing.Scripts;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * lb-core's behaviour still holds with the queue-aware policy and scraper in: streaming relay,
 * the router's own errors, retries before the first byte, client disconnects, and every
 * counter back to zero after each test (the base class checks).
 */
class CoreBehaviourTest extends QueueAwareTestBase {
  private static AtomicReference<String> idle() {
    return new AtomicReference<>(Expositions.v1("m", 0, 0, 0.0));
  }

  @Test
  void streamsAreRelayedChunkByChunkWithTheReplicaHeader() {
    ScriptedUpstream up = upstream("m", Scripts.sse(5, 10, 10)).metrics(
        Expositions.serving(idle()));
    startQueueAware(RouterHarness.builder().replica("r", up), 1, FAST);
    HttpResponse<String> r = h.post("/v1/chat/completions", RouterHarness.chat("m", true));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("text/event-stream");
    assertThat(r.headers().firstValue("x-lb-replica")).hasValue("r");
    assertThat(r.body()).contains("\"i\":0", "\"i\":4").endsWith("data: [DONE]\n\n");
  }

  @Test
  void theRoutersOwnErrorsAreOpenAiJson() {
    ScriptedUpstream up = upstream("m", Scripts.ok()).metrics(Expositions.serving(idle()));
    startQueueAware(RouterHarness.builder().replica("r", up), 1, FAST);
    HttpResponse<String> bad = h.post("/v1/completions", "{not json");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("\"type\":\"BadRequestError\"");
    HttpResponse<String> unknown = h.post("/v1/completions", "{\"model\":\"nope\"}");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("The model `nope` does not exist.");
    assertThat(up.calls()).isEmpty();
  }

  @Test
  void aNotAdmittedAnswerIsRetriedOnTheOtherReplica() {
    // busy looks idle in its metrics, so the policy picks it first; its 503 is retried.
    ScriptedUpstream busy = upstream("m", Scripts.json(503, "{}")).metrics(
        Expositions.serving(idle()));
    ScriptedUpstream good = upstream("m", Scripts.ok()).metrics(Expositions.serving(
        new AtomicReference<>(Expositions.v1("m", 20, 0, 0.1))));
    startQueueAware(RouterHarness.builder().replica("busy", busy).replica("good", good)
        .section("health_check", "{ enabled: false }"), 2, FAST);
    HttpResponse<String> r = h.post("/v1/completions", "{\"model\":\"m\"}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(replica(r)).isEqualTo("good");
    AccessLogEntry e = h.log().awaitNth(0);
    assertThat(e.attempts()).isEqualTo(2);
    assertThat(h.metric("lb_retries_total", "reason=\"status_503\"")).isEqualTo(1);
  }

  @Test
  void aClientLeavingMidStreamResetsTheUpstreamAndReleasesItsCounts() {
    ScriptedUpstream up = upstream("m", Scripts.sse(1000, 10, 50)).metrics(
        Expositions.serving(idle()));
    startQueueAware(RouterHarness.builder().replica("r", up), 1, FAST);
    RawClient c = RawClient.connect(h.router().port());
    c.post("/v1/chat/completions", RouterHarness.chat("m", true));
    c.readUntil("\"i\":1", Duration.ofSeconds(10));
    ScriptedUpstream.Call call = up.awaitCall(0);
    c.closeNow();
    await().atMost(5, TimeUnit.SECONDS).until(call::wasReset);
    assertThat(h.log().awaitNth(0).reason()).isEqualTo(Reason.CLIENT_GONE);
    h.assertBalanced();
  }
}
