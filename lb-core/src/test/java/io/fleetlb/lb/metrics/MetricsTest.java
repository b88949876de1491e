package io.fleetlb.lb.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetlb.lb.Transports;
import io.fleetlb.lb.testing.Promtool;
import io.fleetlb.lb.testing.ProxyTestBase;
import io.fleetlb.lb.testing.RawClient;
import io.fleetlb.lb.testing.RouterHarness;
import io.fleetlb.lb.testing.ScriptedUpstream;
import io.fleetlb.lb.testing.Scripts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin listener: Prometheus text that promtool accepts, and the replicas view. */
class MetricsTest extends ProxyTestBase {

  private RouterHarness trafficOfEveryKind() {
    ScriptedUpstream ok = upstream("m/A", Scripts.sse(3, 5, 5));
    ScriptedUpstream busy = upstream("m/A", Scripts.json(503, "{}"));
    ScriptedUpstream err = upstream("m/B", Scripts.json(500, "{}"));
    RouterHarness h = start(RouterHarness.builder().replica("busy", busy).replica("ok", ok)
        .replica("err", err).section("ejection", "{ consecutive_failures: 2 }"));
    for (int i = 0; i < 3; i++) {
      h.post("/v1/chat/completions", RouterHarness.chat("m/A", true));
      h.post("/v1/completions", "{\"model\":\"m/B\"}");
    }
    h.post("/v1/completions", "{\"model\":\"nope\"}");
    h.post("/v1/completions", "not json");
    h.get("/v1/models");
    return h;
  }

  private String scrape(RouterHarness h) {
    HttpResponse<String> r = h.send(HttpRequest.newBuilder(h.adminUri("/metrics")).build());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue(
        "text/plain; version=0.0.4; charset=utf-8");
    return r.body();
  }

  @Test
  void exposesTheRoutersOwnMetrics() {
    RouterHarness h = trafficOfEveryKind();
    String text = scrape(h);
    assertThat(text).contains(
        "lb_requests_total{code=\"200\",model=\"m/A\",reason=\"complete\",replica=\"ok\"} 3.0",
        "lb_requests_total{code=\"404\",model=\"none\",reason=\"unknown_model\",replica=\"none\"}",
        "lb_retries_total{model=\"m/A\",reason=\"status_503\"}",
        "lb_ejections_total{model=\"m/B\",reason=\"failures\",replica=\"err\"} 1.0",
        "lb_upstream_in_flight{model=\"m/A\",replica=\"ok\"} 0.0",
        "lb_upstream_forwarded_total{model=\"m/A\",replica=\"ok\"} 3.0",
        "lb_upstream_attempts_total{model=\"m/A\",replica=\"busy\",result=\"failed\"}",
        "lb_upstream_time_to_first_byte_seconds_bucket{model=\"m/A\",replica=\"ok\",le=\"0.1\"}",
        "lb_upstream_duration_seconds_bucket{model=\"m/B\",replica=\"err\",le=\"+Inf\"} 2",
        "lb_replica_available{model=\"m/B\",replica=\"err\"} 0.0",
        "lb_router_info{policy=\"test\",transport=\"" + Transports.name(h.router().vertx())
            + "\"} 1",
        "lb_requests_in_flight 0.0",
        "jvm_memory_used_bytes",
        "process_resident_memory_bytes");
    assertThat(text).as("no addresses in labels").doesNotContain("127.0.0.1");
  }

  @Test
  void promtoolFindsNothingToReport(@TempDir Path dir) throws Exception {
    RouterHarness h = trafficOfEveryKind();
    Promtool.assertClean(scrape(h), dir);
  }

  @Test
  void replicasViewShowsStateAndCounts() {
    ScriptedUpstream up = upstream("m", Scripts.ok());
    RouterHarness h = start(RouterHarness.builder().replica("r", up));
    h.post("/v1/completions", "{\"model\":\"m\"}");
    h.assertBalanced();
    HttpResponse<String> r = h.send(HttpRequest.newBuilder(h.adminUri("/replicas")).build());
    JsonObject body = new JsonObject(r.body());
    assertThat(body.getBoolean("draining")).isFalse();
    JsonArray replicas = body.getJsonArray("replicas");
    JsonObject one = replicas.getJsonObject(0);
    assertThat(one.getString("id")).isEqualTo("r");
    assertThat(one.getBoolean("available")).isTrue();
    assertThat(one.getLong("dispatched")).isEqualTo(1);
    assertThat(one.getLong("completed")).isEqualTo(1);
    assertThat(one.getInteger("in_flight")).isZero();
    assertThat(h.send(HttpRequest.newBuilder(h.adminUri("/v1/models")).build()).statusCode())
        .as("the admin listener never proxies").isEqualTo(404);
  }

  @Test
  void theAccessLogIsOneEscapedLogfmtLinePerRequest(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("access.log");
    ScriptedUpstream up = upstream("m", Scripts.ok());
    start(RouterHarness.builder().replica("r", up).section("access_log",
        "{ enabled: true, path: \"" + file + "\" }"));
    // The harness captures entries in memory; this router writes the configured file instead.
    io.fleetlb.lb.RunningRouter fileRouter = ScriptedUpstream.join(io.fleetlb.lb.Router.builder(
            h.router().config()).policy((c, l) -> c.get(0)).start());
    try (RawClient c = RawClient.connect(fileRouter.port())) {
      c.post("/v1/completions?secret=1", "{\"model\":\"m\",\"prompt\":\"TOP-SECRET PROMPT\"}",
          "X-Request-Id: abc-1");
      c.readUntil("received", java.time.Duration.ofSeconds(10));
    }
    try (RawClient c = RawClient.connect(fileRouter.port())) {
      c.post("/v1/completions", "{\"model\":\"evil\\\" reason=forged\\nnext\"}");
      c.readUntil("}}", java.time.Duration.ofSeconds(10));
    }
    ScriptedUpstream.join(fileRouter.close());
    String log = Files.readString(file);
    String[] lines = log.split("\n");
    assertThat(lines).hasSize(2);
    assertThat(lines[0]).matches("time=\\S+ id=abc-1 remote=127\\.0\\.0\\.1 method=POST "
        + "path=/v1/completions proto=HTTP/1\\.1 status=200 bytes=\\d+ dur_ms=\\d+\\.\\d{3} "
        + "ttfb_ms=\\d+\\.\\d{3} model=m replica=r attempts=1 reason=complete key=-");
    assertThat(lines[1]).contains("model=\"evil\\\" reason=forged\\x0anext\"")
        .endsWith("reason=unknown_model key=-");
    assertThat(log).doesNotContain("TOP-SECRET").doesNotContain("secret=1");
  }
}
