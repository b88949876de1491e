package io.fleetlb.lb.queueaware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetlb.lb.Transports;
import io.fleetlb.lb.queueaware.scrape.Expositions;
import io.fleetlb.lb.testing.Promtool;
import io.fleetlb.lb.testing.RouterHarness;
import io.fleetlb.lb.testing.ScriptedUpstream;
import io.fleetlb.lb.testing.Scripts;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The router's view of each replica on admin {@code /metrics}, and promtool's verdict on it. */
class AdminMetricsTest extends QueueAwareTestBase {

  private String scrapeAfterTraffic() {
    ScriptedUpstream a = upstream("m/A", Scripts.sse(3, 5, 5)).metrics(Expositions.serving(
        new AtomicReference<>(Expositions.v1("m/A", 6, 2, 0.42))));
    ScriptedUpstream b = upstream("m/A", Scripts.sse(3, 5, 5));
    startQueueAware(RouterHarness.builder().replica("a", a).replica("b", b), 2, FAST);
    for (int i = 0; i < 4; i++) {
      assertThat(h.post("/v1/chat/completions", RouterHarness.chat("m/A", true)).statusCode())
          .isEqualTo(200);
    }
    h.assertBalanced();
    await().atMost(10, TimeUnit.SECONDS).until(() -> h.metric("lb_scrapes_total",
        "replica=\"a\"") >= 2);
    HttpResponse<String> r = h.send(HttpRequest.newBuilder(h.adminUri("/metrics")).build());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  @Test
  void showsScrapedLoadLocalCountsEstimatesAndPicksPerReplica() {
    String text = scrapeAfterTraffic();
    String a = "{model=\"m/A\",replica=\"a\"}";
    String b = "{model=\"m/A\",replica=\"b\"}";
    assertThat(text).contains(
        "lb_replica_scraped_running" + a + " 6.0",
        "lb_replica_scraped_waiting" + a + " 2.0",
        "lb_replica_scraped_kv_cache_usage_ratio" + a + " 0.42",
        "lb_replica_kv_cache_capacity_tokens" + a + " 102400.0",
        "lb_replica_snapshot_stale" + a + " 0.0",
        "lb_replica_snapshot_stale" + b + " 1.0",
        "lb_replica_scraped_running" + b + " NaN",
        "lb_replica_snapshot_age_seconds" + b + " NaN",
        "lb_replica_awaiting_first_byte" + a + " 0.0",
        "lb_replica_pending_prompt_tokens" + b + " 0.0",
        "lb_replica_in_flight_tokens" + a + " 0.0",
        "lb_replica_estimated_load" + b + " 0.0",
        "lb_scrape_failures_total{model=\"m/A\",reason=\"status\",replica=\"b\"}",
        "lb_scrape_failures_total{model=\"m/A\",reason=\"timeout\",replica=\"a\"} 0.0",
        "lb_scrape_duration_seconds_count" + a,
        "lb_router_info{policy=\"test\",transport=\"" + Transports.name(h.router().vertx())
            + "\"} 1",
        "lb_upstream_in_flight" + a + " 0.0");
    assertThat(text).containsPattern("lb_replica_snapshot_age_seconds\\Q" + a + "\\E 0\\.\\d+");
    // a reports 6 running + 4 x 2 waiting: every request went to b, and the picks say so.
    assertThat(text).contains("lb_policy_picks_total" + b + " 4.0", "lb_policy_picks_total" + a
        + " 0.0");
    assertThat(text).contains("lb_replica_estimated_load" + a + " 14.0");
  }

  @Test
  void promtoolFindsNothingToReport(@TempDir Path dir) throws Exception {
    Promtool.assertClean(scrapeAfterTraffic(), dir);
  }
}
