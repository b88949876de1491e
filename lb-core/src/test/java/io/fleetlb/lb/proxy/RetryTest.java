package io.fleetlb.lb.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetlb.lb.log.AccessLogEntry;
import io.fleetlb.lb.log.Reason;
import io.fleetlb.lb.pool.Replica;
import io.fleetlb.lb.testing.ProxyTestBase;
import io.fleetlb.lb.testing.RouterHarness;
import io.fleetlb.lb.testing.ScriptedUpstream;
import io.fleetlb.lb.testing.Scripts;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Retries happen only before anything reached the client, only for failures that mean the
 * replica did not take the request, on a replica not tried yet, within the retry budget.
 */
class RetryTest extends ProxyTestBase {
  private static final String BODY = "{\"model\":\"m\",\"prompt\":\"hi\"}";

  /** Health checks off: the broken replica stays a candidate, listed first (first-pick policy). */
  private RouterHarness.Builder twoReplicas(String firstUrl, ScriptedUpstream second) {
    return RouterHarness.builder().replica("bad", firstUrl, "m").replica("good", second)
        .section("health_check", "{ enabled: false }")
        .section("timeouts", "{ connect: 300ms, first_byte: 700ms, stream_idle: 5s }");
  }

  private Replica replica(String id) {
    return h.router().pool().replicas().stream().filter(r -> r.id().equals(id)).findFirst()
        .orElseThrow();
  }

  private void assertRetriedOnGood(HttpResponse<String> r, String retryReason) {
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-lb-replica")).hasValue("good");
    AccessLogEntry e = h.log().awaitNth(0);
    assertThat(e.reason()).isEqualTo(Reason.COMPLETE);
    assertThat(e.attempts()).isEqualTo(2);
    assertThat(e.replica()).isEqualTo("good");
    assertThat(h.metric("lb_retries_total", "model=\"m\"", "reason=\"" + retryReason + "\""))
        .isEqualTo(1);
    assertThat(h.router().pool().failed(replica("bad"))).isEqualTo(1);
    assertThat(h.router().pool().completed(replica("good"))).isEqualTo(1);
  }

  @Test
  void aRefusedConnectionIsRetriedOnAnotherReplica() {
    ScriptedUpstream good = upstream("m", Scripts.ok());
    start(twoReplicas("http://127.0.0.1:" + deadPort(), good));
    assertRetriedOnGood(h.post("/v1/completions", BODY), "connect_failed");
    assertThat(good.awaitCall(0).bodyText()).isEqualTo(BODY);
  }

  @Test
  void aConnectTimeoutIsRetriedOnAnotherReplica() {
    ScriptedUpstream good = upstream("m", Scripts.ok());
    start(twoReplicas("http://127.0.0.1:" + blackholePort(), good));
    assertRetriedOnGood(h.post("/v1/completions", BODY), "connect_timeout");
  }

  @Test
  void aConnectionClosedBeforeTheHeadIsRetried() {
    ScriptedUpstream bad = upstream("m", Scripts.closeBeforeHead());
    ScriptedUpstream good = upstream("m", Scripts.ok());
    start(twoReplicas(bad.url(), good));
    assertRetriedOnGood(h.post("/v1/completions", BODY), "upstream_reset");
    assertThat(bad.calls()).hasSize(1);
  }

  @Test
  void aNotAdmittedStatusIsRetriedAndTheReplicasAnswerDiscarded() {
    ScriptedUpstream bad = upstream("m", Scripts.json(503, "{\"busy\":true}"));
    ScriptedUpstream good = upstream("m", Scripts.ok());
    start(twoReplicas(bad.url(), good));
    HttpResponse<String> r = h.post("/v1/completions", BODY);
    assertRetriedOnGood(r, "status_503");
    assertThat(r.body()).doesNotContain("busy");
    assertThat(bad.awaitCall(0).wasReset() || bad.awaitCall(0).ended()).isTrue();
  }

  @Test
  void tooManyRequestsIsRetriedWithoutCountingAgainstTheReplica() {
    ScriptedUpstream bad = upstream("m", Scripts.json(429, "{}"));
    ScriptedUpstream good = upstream("m", Scripts.ok());
    start(twoReplicas(bad.url(), good).section("ejection", "{ consecutive_failures: 1 }"));
    assertRetriedOnGood(h.post("/v1/completions", BODY), "status_429");
    assertThat(h.router().pool().ejected(replica("bad"))).isFalse();
  }

  @Test
  void whenEveryReplicaRefusesTheLastAnswerIsRelayed() {
    ScriptedUpstream bad = upstream("m", Scripts.json(503, "{\"first\":true}"));
    ScriptedUpstream good = upstream("m",
        call -> call.request.response().setStatusCode(503).putHeader("retry-after", "7")
            .end("{\"error\":{\"message\":\"overloaded\"}}"));
    start(twoReplicas(bad.url(), good));
    HttpResponse<String> r = h.post("/v1/completions", BODY);
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("x-lb-replica")).hasValue("good");
    assertThat(r.headers().firstValue("retry-after")).hasValue("7");
    JsonObject error = new JsonObject(r.body()).getJsonObject("error");
    assertThat(error.getString("message"))
        .isEqualTo("The replica failed to process the request (HTTP 503)");
    assertThat(error.getString("type")).isEqualTo("ServiceUnavailableError");
    AccessLogEntry e = h.log().awaitNth(0);
    assertThat(e.attempts()).isEqualTo(2);
    assertThat(e.reason()).isEqualTo(Reason.UPSTREAM_ERROR);
  }

  @Test
  void aMissingFirstByteIsNotRetriedButAnswered504() {
    ScriptedUpstream bad = upstream("m", Scripts.stall());
    ScriptedUpstream good = upstream("m", Scripts.ok());
    start(twoReplicas(bad.url(), good));
    HttpResponse<String> r = h.post("/v1/completions", BODY);
    assertThat(r.statusCode()).isEqualTo(504);
    assertThat(r.headers().firstValue("x-lb-replica")).isEmpty();
    JsonObject error = new JsonObject(r.body()).getJsonObject("error");
    assertThat(error.getString("type")).isEqualTo("GatewayTimeoutError");
    AccessLogEntry e = h.log().awaitNth(0);
    assertThat(e.reason()).isEqualTo(Reason.FIRST_BYTE_TIMEOUT);
    assertThat(e.attempts()).isEqualTo(1);
    assertThat(good.calls()).isEmpty();
    await().atMost(5, TimeUnit.SECONDS).until(() -> bad.awaitCall(0).wasReset());
    assertThat(h.metric("lb_requests_total", "code=\"504\"", "reason=\"first_byte_timeout\""))
        .isEqualTo(1);
  }

  @Test
  void serverAndGatewayErrorsAreRetriedByDefault() {
    for (int status : new int[] {500, 502, 504}) {
      ScriptedUpstream bad = upstream("m", Scripts.json(status, "{\"error\":{}}"));
      ScriptedUpstream good = upstream("m", Scripts.ok());
      start(twoReplicas(bad.url(), good));
      assertRetriedOnGood(h.post("/v1/completions", BODY), "status_" + status);
      h.assertBalanced();
      h.close();
      h = null;
    }
  }

  @Test
  void aReplicaErrorThatIsNotRetriedIsAnsweredWithTheRoutersOwnBody() {
    ScriptedUpstream bad = upstream("m", Scripts.json(500,
        "{\"error\":{\"message\":\"connect to http://10.0.3.7:8001/internal failed\"}}"));
    ScriptedUpstream good = upstream("m", Scripts.ok());
    start(twoReplicas(bad.url(), good).section("retry", "{ on_status: [429, 503] }"));
    HttpResponse<String> r = h.post("/v1/completions", BODY);
    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(r.headers().firstValue("x-lb-replica")).hasValue("bad");
    assertThat(r.body()).doesNotContain("10.0.3.7").doesNotContain("internal");
    JsonObject error = new JsonObject(r.body()).getJsonObject("error");
    assertThat(error.getString("type")).isEqualTo("InternalServerError");
    assertThat(error.getInteger("code")).isEqualTo(500);
    assertThat(good.calls()).isEmpty();
    assertThat(h.log().awaitNth(0).reason()).isEqualTo(Reason.UPSTREAM_ERROR);
  }

  @Test
  void theRetryBudgetStopsRetries() {
    ScriptedUpstream good = upstream("m", Scripts.ok());
    start(twoReplicas("http://127.0.0.1:" + deadPort(), good)
        .section("retry", "{ budget_percent: 0, min_retry_concurrency: 0 }"));
    HttpResponse<String> r = h.post("/v1/completions", BODY);
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(new JsonObject(r.body()).getJsonObject("error").getString("message"))
        .doesNotContain("127.0.0.1").doesNotContain("refused");
    assertThat(h.log().awaitNth(0).reason()).isEqualTo(Reason.CONNECT_FAILED);
    assertThat(h.metric("lb_retry_budget_exhausted_total", "model=\"m\"")).isEqualTo(1);
    assertThat(good.calls()).isEmpty();
  }

  @Test
  void maxRetriesZeroMeansOneAttempt() {
    ScriptedUpstream good = upstream("m", Scripts.ok());
    start(twoReplicas("http://127.0.0.1:" + deadPort(), good).section("retry", "{ max_retries: 0 }"));
    assertThat(h.post("/v1/completions", BODY).statusCode()).isEqualTo(502);
    assertThat(good.calls()).isEmpty();
    assertThat(h.metric("lb_retries_total")).isZero();
  }

  @Test
  void whenNoReplicaCanBeReachedTheLastFailureIsAnswered() {
    start(RouterHarness.builder()
        .replica("x", "http://127.0.0.1:" + deadPort(), "m")
        .replica("y", "http://127.0.0.1:" + deadPort(), "m")
        .replica("z", "http://127.0.0.1:" + deadPort(), "m")
        .section("health_check", "{ enabled: false }")
        .section("retry", "{ max_retries: 5 }"));
    HttpResponse<String> r = h.post("/v1/completions", BODY);
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(r.body()).contains("BadGatewayError").doesNotContain("127.0.0.1");
    AccessLogEntry e = h.log().awaitNth(0);
    assertThat(e.attempts()).as("each replica once, never the same twice").isEqualTo(3);
    assertThat(e.reason()).isEqualTo(Reason.CONNECT_FAILED);
  }
}
