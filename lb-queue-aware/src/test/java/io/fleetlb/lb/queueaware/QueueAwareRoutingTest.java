package io.fleetlb.lb.queueaware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetlb.lb.pool.Replica;
import io.fleetlb.lb.queueaware.scrape.Expositions;
import io.fleetlb.lb.queueaware.scrape.ScrapeFailure;
import io.fleetlb.lb.testing.RouterHarness;
import io.fleetlb.lb.testing.ScriptedUpstream;
import io.fleetlb.lb.testing.Scripts;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Routing through the real router follows what each replica's {@code /metrics} reports. */
class QueueAwareRoutingTest extends QueueAwareTestBase {
  private static final String BODY = "{\"model\":\"m\",\"prompt\":\"hello\",\"max_tokens\":8}";

  private Map<String, Integer> send(int n) {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < n; i++) {
      HttpResponse<String> r = h.post("/v1/completions", BODY);
      assertThat(r.statusCode()).isEqualTo(200);
      counts.merge(replica(r), 1, Integer::sum);
    }
    return counts;
  }

  @Test
  void aReplicaReportingALongQueueGetsNothingAndTrafficMovesWhenTheNumbersSwap() {
    AtomicReference<String> ma = new AtomicReference<>(Expositions.v1("m", 8, 50, 0.7));
    AtomicReference<String> mb = new AtomicReference<>(Expositions.v1("m", 0, 0, 0.0));
    ScriptedUpstream a = upstream("m", Scripts.ok()).metrics(Expositions.serving(ma));
    ScriptedUpstream b = upstream("m", Scripts.ok()).metrics(Expositions.serving(mb));
    startQueueAware(RouterHarness.builder().replica("a", a).replica("b", b), 2, FAST);
    assertThat(send(20)).containsExactly(Map.entry("b", 20));

    ma.set(Expositions.v1("m", 0, 0, 0.0));
    mb.set(Expositions.v1("m", 8, 50, 0.7));
    int ca = a.metricsCalls();
    int cb = b.metricsCalls();
    // Within two scrapes of each replica, whatever time that takes on a busy machine: the
    // second scrape starts only once the first one's snapshot is published.
    await().atMost(20, TimeUnit.SECONDS).until(
        () -> a.metricsCalls() >= ca + 2 && b.metricsCalls() >= cb + 2);
    assertThat(send(20)).containsExactly(Map.entry("a", 20));
  }

  @Test
  void v0OnlyReplicasAreReadWithTheirOwnNamesSwappedCountingAsWaiting() {
    ScriptedUpstream a = upstream("m", Scripts.ok()).metrics(Expositions.serving(
        new AtomicReference<>(Expositions.v0("m", 2, 0, 30, 0.5))));
    ScriptedUpstream b = upstream("m", Scripts.ok()).metrics(Expositions.serving(
        new AtomicReference<>(Expositions.v0("m", 2, 0, 0, 0.5))));
    startQueueAware(RouterHarness.builder().replica("a", a).replica("b", b), 2, FAST);
    assertThat(send(10)).containsExactly(Map.entry("b", 10));
    Replica ra = h.router().pool().replicas().get(0);
    assertThat(parts.scraper().board().get(ra).waiting()).isEqualTo(30);
  }

  @Test
  void aConcurrentBurstOnIdenticalMetricsSpreadsWithinThirtyPercentOfFair() throws Exception {
    List<ScriptedUpstream> ups = new ArrayList<>();
    RouterHarness.Builder b = RouterHarness.builder();
    for (int i = 0; i < 3; i++) {
      ScriptedUpstream u = upstream("m", Scripts.sse(3, 300, 20)).metrics(Expositions.serving(
          new AtomicReference<>(Expositions.v1("m", 10, 0, 0.3))));
      ups.add(u);
      b.replica("r" + i, u);
    }
    startQueueAware(b, 3, FAST);
    List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
    for (int i = 0; i < 90; i++) {
      all.add(h.http().sendAsync(HttpRequest.newBuilder(h.uri("/v1/chat/completions"))
              .POST(HttpRequest.BodyPublishers.ofString(RouterHarness.chat("m", true))).build(),
          HttpResponse.BodyHandlers.ofString()));
    }
    Map<String, Integer> counts = new HashMap<>();
    for (CompletableFuture<HttpResponse<String>> f : all) {
      HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).endsWith("data: [DONE]\n\n");
      counts.merge(replica(r), 1, Integer::sum);
    }
    assertThat(counts.values()).hasSize(3).allSatisfy(c -> assertThat(c).isLessThanOrEqualTo(39));
  }

  @Test
  void withEveryMetricsEndpointDownItStillServesEveryRequestByLocalCounts() {
    // No metrics script: /metrics answers 404 on both replicas.
    ScriptedUpstream a = upstream("m", Scripts.delayed(50, "{\"ok\":1}"));
    ScriptedUpstream b = upstream("m", Scripts.delayed(50, "{\"ok\":1}"));
    startQueueAware(RouterHarness.builder().replica("a", a).replica("b", b), 2, FAST);
    List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      all.add(h.http().sendAsync(HttpRequest.newBuilder(h.uri("/v1/completions"))
          .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(),
          HttpResponse.BodyHandlers.ofString()));
    }
    Map<String, Integer> counts = new HashMap<>();
    all.forEach(f -> {
      HttpResponse<String> r = f.join();
      assertThat(r.statusCode()).isEqualTo(200);
      counts.merge(replica(r), 1, Integer::sum);
    });
    // Least outstanding requests: both replicas share the concurrent load.
    assertThat(counts.get("a")).isBetween(12, 28);
    Replica ra = h.router().pool().replicas().get(0);
    assertThat(parts.scraper().stats().failures(ra, ScrapeFailure.STATUS)).isPositive();
    assertThat(h.metric("lb_replica_snapshot_stale", "replica=\"a\"")).isEqualTo(1);
  }

  @Test
  void aSlowOrGarbageEndpointOnOneReplicaDoesNotBlindTheRouterToTheOther() {
    AtomicReference<String> mb = new AtomicReference<>(Expositions.v1("m", 0, 0, 0.1));
    ScriptedUpstream a = upstream("m", Scripts.ok()).metrics(call -> { });
    ScriptedUpstream b = upstream("m", Scripts.ok()).metrics(Expositions.serving(mb));
    ScriptedUpstream c = upstream("m", Scripts.ok()).metrics(
        call -> call.request.response().end("\u0000\u0001 not prometheus {{{"));
    startQueueAware(RouterHarness.builder().replica("a", a).replica("b", b).replica("c", c), 3,
        new io.fleetlb.lb.queueaware.config.ScrapeConfig(Duration.ofMillis(100), 0.1,
            Duration.ofMillis(300), Duration.ofSeconds(5), null, null));
    // b reports a deep queue: a and c (no usable metrics, judged locally as idle) get the work.
    mb.set(Expositions.v1("m", 30, 60, 0.9));
    int cb = b.metricsCalls();
    await().atMost(20, TimeUnit.SECONDS).until(() -> b.metricsCalls() >= cb + 2);
    Map<String, Integer> counts = send(20);
    assertThat(counts).doesNotContainKey("b");
    assertThat(counts.get("a") + counts.get("c")).isEqualTo(20);
    assertThat(h.metric("lb_scrape_failures_total", "replica=\"a\"", "reason=\"timeout\""))
        .isPositive();
    assertThat(h.metric("lb_scrape_failures_total", "replica=\"c\"", "reason=\"parse\""))
        .isPositive();
    assertThat(h.metric("lb_scrape_failures_total", "replica=\"b\"")).isZero();
  }
}
