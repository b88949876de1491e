package io.fleetlb.lb.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetlb.lb.config.EjectionConfig;
import io.fleetlb.lb.log.AccessLogEntry;
import io.fleetlb.lb.log.Reason;
import io.fleetlb.lb.testing.ProxyTestBase;
import io.fleetlb.lb.testing.RawClient;
import io.fleetlb.lb.testing.RouterHarness;
import io.fleetlb.lb.testing.ScriptedUpstream;
import io.fleetlb.lb.testing.Scripts;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Passive ejection, active health checks, and failing fast when a model has no replica. */
class EjectionAndHealthTest extends ProxyTestBase {
  private static final String BODY = "{\"model\":\"m\"}";

  private Replica replica(String id) {
    return h.router().pool().replicas().stream().filter(r -> r.id().equals(id)).findFirst()
        .orElseThrow();
  }

  private HttpResponse<String> post() {
    return h.post("/v1/completions", BODY);
  }

  @Test
  void consecutiveServerErrorsEjectAReplicaUntilProbesPassAgain() {
    ScriptedUpstream sick = upstream("m", Scripts.json(500, "{}"));
    ScriptedUpstream fine = upstream("m", Scripts.ok());
    start(RouterHarness.builder().replica("sick", sick).replica("fine", fine)
        .section("retry", "{ on_status: [] }")
        .section("health_check", "{ interval: 200ms, unhealthy_threshold: 100,"
            + " healthy_threshold: 2 }")
        .section("ejection", "{ consecutive_failures: 3, slow_start: 0s }"));
    for (int i = 0; i < 3; i++) {
      assertThat(post().statusCode()).isEqualTo(500);
    }
    assertThat(h.router().pool().ejected(replica("sick"))).isTrue();
    assertThat(h.metric("lb_ejections_total", "replica=\"sick\"", "reason=\"failures\""))
        .isEqualTo(1);
    assertThat(h.metric("lb_replica_available", "replica=\"sick\"")).isZero();
    sick.health(503);
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> r = post();
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("x-lb-replica")).hasValue("fine");
    }
    assertThat(sick.calls()).hasSize(3);
    // Down for good (a restart): /health fails while it is out.
    await().atMost(10, TimeUnit.SECONDS).until(() -> h.metric("lb_health_checks_total",
        "replica=\"sick\"", "result=\"fail\"") > 0);
    // Back (restarted) and healthy: readmitted after two passing probes, not after base_time.
    sick.script(Scripts.ok()).health(200);
    long start = System.nanoTime();
    await().atMost(10, TimeUnit.SECONDS).until(() -> !h.router().pool().ejected(replica("sick")));
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isLessThan(EjectionConfig.DEFAULT.baseTime());
    assertThat(post().headers().firstValue("x-lb-replica")).hasValue("sick");
  }

  @Test
  void aReplicaThatFailsRequestsWhileReportingHealthyStaysOutForItsEjectionTime() {
    ScriptedUpstream sick = upstream("m", Scripts.json(500, "{}"));
    ScriptedUpstream fine = upstream("m", Scripts.ok());
    start(RouterHarness.builder().replica("sick", sick).replica("fine", fine)
        .section("retry", "{ on_status: [] }")
        .section("health_check", "{ interval: 200ms, healthy_threshold: 1 }")
        .section("ejection", "{ consecutive_failures: 2, base_time: 2s, slow_start: 0s }"));
    post();
    post();
    assertThat(h.router().pool().ejected(replica("sick"))).isTrue();
    long ejectedAt = System.nanoTime();
    // Its /health passes all along (probed every 200 ms, one pass would do): probes cannot tell
    // it recovered, so it sits out base_time.
    await().atMost(10, TimeUnit.SECONDS).until(() -> !h.router().pool().ejected(replica("sick")));
    assertThat(Duration.ofNanos(System.nanoTime() - ejectedAt))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    assertThat(h.metric("lb_health_checks_total", "replica=\"sick\"", "result=\"fail\""))
        .isZero();
  }

  @Test
  void anEjectedReplicaStaysOutWhileItsHealthCheckFails() {
    ScriptedUpstream sick = upstream("m", Scripts.json(502, "{}"));
    ScriptedUpstream fine = upstream("m", Scripts.ok());
    start(RouterHarness.builder().replica("sick", sick).replica("fine", fine)
        .section("retry", "{ on_status: [] }")
        .section("health_check", "{ interval: 200ms, unhealthy_threshold: 100 }")
        .section("ejection", "{ consecutive_failures: 2, base_time: 300ms, max_time: 1s }"));
    post();
    sick.health(503);
    post();
    assertThat(h.router().pool().ejected(replica("sick"))).isTrue();
    int probes = sick.healthChecks();
    await().atMost(10, TimeUnit.SECONDS).until(() -> sick.healthChecks() >= probes + 5);
    assertThat(h.router().pool().ejected(replica("sick"))).isTrue();
    sick.health(200);
    await().atMost(10, TimeUnit.SECONDS).until(() -> !h.router().pool().ejected(replica("sick")));
  }

  @Test
  void clientErrorsNeverEject() {
    ScriptedUpstream strict = upstream("m", Scripts.json(400, "{\"error\":{}}"));
    start(RouterHarness.builder().replica("strict", strict)
        .section("ejection", "{ consecutive_failures: 2 }"));
    for (int i = 0; i < 6; i++) {
      assertThat(post().statusCode()).isEqualTo(400);
    }
    assertThat(h.router().pool().ejected(replica("strict"))).isFalse();
    assertThat(h.metric("lb_ejections_total")).isZero();
  }

  @Test
  void clientCancelsNeverEject() {
    ScriptedUpstream slow = upstream("m", Scripts.delayed(30_000, "{}"));
    start(RouterHarness.builder().replica("slow", slow)
        .section("ejection", "{ consecutive_failures: 1 }"));
    for (int i = 0; i < 3; i++) {
      RawClient c = RawClient.connect(h.router().port());
      c.post("/v1/completions", BODY);
      ScriptedUpstream.Call call = slow.awaitCall(i);
      c.closeNow();
      await().atMost(5, TimeUnit.SECONDS).until(call::wasReset);
    }
    assertThat(h.router().pool().ejected(replica("slow"))).isFalse();
    assertThat(h.router().pool().cancelled(replica("slow"))).isEqualTo(3);
  }

  @Test
  void aReplicaFailingItsHealthCheckGetsNoRequests() {
    ScriptedUpstream loading = upstream("m", Scripts.ok()).health(503);
    ScriptedUpstream ready = upstream("m", Scripts.ok());
    start(RouterHarness.builder().replica("loading", loading).replica("ready", ready)
        .section("ejection", "{ slow_start: 0s }"));
    assertThat(h.router().pool().healthy(replica("loading"))).as("decided by the first probe")
        .isFalse();
    for (int i = 0; i < 4; i++) {
      assertThat(post().headers().firstValue("x-lb-replica")).hasValue("ready");
    }
    assertThat(loading.calls()).isEmpty();
    assertThat(h.metric("lb_replica_healthy", "replica=\"loading\"")).isZero();
    assertThat(h.metric("lb_health_checks_total", "replica=\"loading\"", "result=\"fail\""))
        .isPositive();
    loading.health(200);
    await().atMost(10, TimeUnit.SECONDS).until(() -> h.router().pool().healthy(replica("loading")));
    assertThat(post().headers().firstValue("x-lb-replica")).hasValue("loading");
  }

  @Test
  void aModelWithoutAnyServingReplicaFailsFastWith503AndRetryAfter() {
    ScriptedUpstream down = upstream("m", Scripts.ok()).health(503);
    ScriptedUpstream other = upstream("other", Scripts.ok());
    start(RouterHarness.builder().replica("down", down).replica("o", other));
    long start = System.nanoTime();
    HttpResponse<String> r = post();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("retry-after")).hasValue("1");
    assertThat(r.body()).contains("\"type\":\"ServiceUnavailableError\"")
        .contains("No replica of model `m` can serve right now");
    assertThat(took).isLessThan(Duration.ofSeconds(2));
    AccessLogEntry e = h.log().awaitNth(0);
    assertThat(e.reason()).isEqualTo(Reason.NO_HEALTHY_REPLICA);
    assertThat(e.attempts()).isZero();
    assertThat(down.calls()).isEmpty();
    assertThat(h.get("/health").statusCode()).as("another model can still be served")
        .isEqualTo(200);
    other.health(503);
    await().atMost(10, TimeUnit.SECONDS).until(() -> h.get("/health").statusCode() == 503);
    assertThat(h.get("/health").body()).contains("no_healthy_replica");
  }

  @Test
  void aReplicaTricklingItsModelListForeverDoesNotStarveItsHealthChecks() {
    ScriptedUpstream up = upstream("m", Scripts.ok()).models(call -> {
      call.request.response().setChunked(true).putHeader("content-type", "application/json")
          .write("{");
      call.vertx.setPeriodic(100, t -> {
        if (call.request.response().closed()) {
          call.vertx.cancelTimer(t);
        } else {
          call.request.response().write(" ");
        }
      });
    });
    start(RouterHarness.builder().replica("r", up)
        .section("health_check", "{ interval: 100ms, timeout: 300ms, unhealthy_threshold: 2 }"));
    int before = up.healthChecks();
    await().atMost(20, TimeUnit.SECONDS).until(() -> up.healthChecks() >= before + 20);
    assertThat(h.router().pool().healthy(replica("r"))).isTrue();
    assertThat(h.metric("lb_health_checks_total", "result=\"fail\"")).isZero();
    assertThat(up.modelsCalls()).as("one card request per 30 s").isEqualTo(1);
    assertThat(post().statusCode()).isEqualTo(200);
  }

  @Test
  void withHealthChecksOffAnEjectionEndsWithItsTime() {
    ScriptedUpstream sick = upstream("m", Scripts.closeBeforeHead());
    ScriptedUpstream fine = upstream("m", Scripts.ok());
    start(RouterHarness.builder().replica("sick", sick).replica("fine", fine)
        .section("health_check", "{ enabled: false }")
        .section("ejection", "{ consecutive_failures: 1, base_time: 500ms }"));
    HttpResponse<String> r = post();
    assertThat(r.headers().firstValue("x-lb-replica")).as("retried").hasValue("fine");
    assertThat(h.router().pool().ejected(replica("sick"))).isTrue();
    await().atMost(10, TimeUnit.SECONDS).until(() -> !h.router().pool().ejected(replica("sick")));
    assertThat(sick.healthChecks()).isZero();
  }
}
