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
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A replica that hangs is found within seconds: a silent stream ends with an error event, a
 * replica that stops sending on all its streams is ejected at once, one that answers nothing is
 * probed at once, and the requests that had sent nothing to their client go to another replica.
 */
class FailureDetectionTest extends ProxyTestBase {
  private ScriptedUpstream good;

  private RouterHarness twoReplicas(ScriptedUpstream bad, String ejection, String timeouts) {
    good = upstream("m", Scripts.sse(3, 10, 10));
    return start(RouterHarness.builder().replica("bad", bad).replica("good", good)
        .section("ejection", ejection).section("timeouts", timeouts));
  }

  private Replica replica(String id) {
    return h.router().pool().replicas().stream().filter(r -> r.id().equals(id)).findFirst()
        .orElseThrow();
  }

  /** A replica whose first stream sends two events and hangs; later ones get their head only. */
  private ScriptedUpstream hungAfterFirstStream() {
    AtomicInteger n = new AtomicInteger();
    return upstream("m", call -> {
      if (n.getAndIncrement() == 0) {
        Scripts.sseThenStall(2, 10).run(call);
      } else {
        Scripts.headThenStall().run(call);
      }
    });
  }

  private CompletableFuture<HttpResponse<String>> chatAsync() {
    return CompletableFuture.supplyAsync(() -> h.post("/v1/chat/completions",
        RouterHarness.chat("m", true)));
  }

  @Test
  void aReplicaWhoseStreamsAllGoSilentIsEjectedAndItsWaitingRequestsMove() {
    // The first request streams two events and hangs; the second gets nothing at all.
    ScriptedUpstream bad = hungAfterFirstStream();
    twoReplicas(bad, "{ stalled_after: 600ms, slow_start: 0s }",
        "{ stream_idle: 30s, first_byte: 30s }");
    CompletableFuture<HttpResponse<String>> started = chatAsync();
    bad.awaitCall(0);
    CompletableFuture<HttpResponse<String>> waiting = chatAsync();
    bad.awaitCall(1);

    HttpResponse<String> cut = started.join();
    assertThat(cut.statusCode()).isEqualTo(200);
    assertThat(cut.body()).contains("\"i\":1").contains("The replica stalled")
        .doesNotContain("[DONE]");
    HttpResponse<String> moved = waiting.join();
    assertThat(moved.statusCode()).isEqualTo(200);
    assertThat(moved.headers().firstValue("x-lb-replica")).hasValue("good");
    assertThat(moved.body()).endsWith("data: [DONE]\n\n");

    assertThat(h.router().pool().ejected(replica("bad"))).isTrue();
    assertThat(h.metric("lb_ejections_total", "replica=\"bad\"", "reason=\"stalled\""))
        .isEqualTo(1);
    assertThat(bad.calls()).allMatch(ScriptedUpstream.Call::wasReset);
    assertThat(h.log().entries()).extracting(AccessLogEntry::reason)
        .containsExactlyInAnyOrder(Reason.REPLICA_STALLED, Reason.COMPLETE);
  }

  @Test
  void aHungEngineIsEjectedEvenWhileNewRequestsKeepGettingTheirHeads() {
    // vLLM's HTTP server sends a stream's head at once, engine or not: a replica whose running
    // stream went silent while new requests still get their heads (and nothing more) is hung.
    ScriptedUpstream bad = hungAfterFirstStream();
    good = upstream("m", Scripts.sse(3, 10, 10));
    start(RouterHarness.builder().replica("bad", bad).replica("good", good)
        .section("ejection", "{ stalled_after: 600ms, slow_start: 0s }")
        .section("timeouts", "{ stream_idle: 60s, first_byte: 60s }")
        .section("retry", "{ min_retry_concurrency: 1000 }"));
    CompletableFuture<HttpResponse<String>> started = chatAsync();
    bad.awaitCall(0);
    // A new request every 100 ms, each answered with a head by the hung replica, until the
    // router takes it out (they all move to the good replica then).
    java.util.List<CompletableFuture<HttpResponse<String>>> later = new java.util.ArrayList<>();
    await().atMost(20, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(100)).until(() -> {
      later.add(chatAsync());
      return h.router().pool().ejected(replica("bad"));
    });
    assertThat(h.metric("lb_ejections_total", "replica=\"bad\"", "reason=\"stalled\""))
        .isEqualTo(1);
    assertThat(started.join().body()).contains("The replica stalled").doesNotContain("[DONE]");
    for (CompletableFuture<HttpResponse<String>> f : later) {
      HttpResponse<String> r = f.join();
      assertThat(r.headers().firstValue("x-lb-replica")).as(r.body()).hasValue("good");
      assertThat(r.body()).endsWith("data: [DONE]\n\n");
    }
  }

  @Test
  void aReplicaThatAnswersNothingIsProbedAtOnceAndEjectedWhenTheProbeFails() {
    ScriptedUpstream hung = upstream("m", Scripts.stall());
    twoReplicas(hung, "{ stalled_after: 500ms, slow_start: 0s }", "{ first_byte: 60s }");
    CompletableFuture<HttpResponse<String>> r = chatAsync();
    hung.awaitCall(0);
    hung.health(0);
    HttpResponse<String> moved = r.join();
    assertThat(moved.statusCode()).isEqualTo(200);
    assertThat(moved.headers().firstValue("x-lb-replica")).hasValue("good");
    assertThat(h.router().pool().ejected(replica("bad"))).isTrue();
    assertThat(h.router().pool().healthy(replica("bad"))).isFalse();
    assertThat(h.metric("lb_ejections_total", "replica=\"bad\"", "reason=\"unresponsive\""))
        .isEqualTo(1);
    assertThat(hung.awaitCall(0).wasReset()).isTrue();
    AccessLogEntry e = h.log().awaitNth(0);
    assertThat(e.attempts()).isEqualTo(2);
    assertThat(e.reason()).isEqualTo(Reason.COMPLETE);

    // It comes back as soon as it answers its probes again (not after a fixed time).
    hung.health(200);
    await().atMost(10, TimeUnit.SECONDS).until(() -> !h.router().pool().ejected(replica("bad"))
        && h.router().pool().healthy(replica("bad")));
  }

  @Test
  void everyRequestWaitingOnAnEjectedReplicaMovesWhateverTheRetryBudget() {
    ScriptedUpstream hung = upstream("m", Scripts.stall());
    good = upstream("m", Scripts.sse(3, 10, 10));
    start(RouterHarness.builder().replica("bad", hung).replica("good", good)
        .section("ejection", "{ stalled_after: 500ms, slow_start: 0s }")
        .section("timeouts", "{ first_byte: 60s }")
        .section("retry", "{ budget_percent: 0, min_retry_concurrency: 0 }"));
    java.util.List<CompletableFuture<HttpResponse<String>>> waiting = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      waiting.add(chatAsync());
      hung.awaitCall(i);
    }
    hung.health(0);
    for (CompletableFuture<HttpResponse<String>> f : waiting) {
      HttpResponse<String> r = f.join();
      assertThat(r.headers().firstValue("x-lb-replica")).as(r.body()).hasValue("good");
      assertThat(r.body()).endsWith("data: [DONE]\n\n");
    }
    assertThat(h.metric("lb_retries_total", "reason=\"replica_stalled\"")).isEqualTo(5);
    assertThat(h.metric("lb_retry_budget_exhausted_total")).isZero();
    h.assertBalanced();
  }

  @Test
  void aBusyReplicaThatStillAnswersItsProbeIsKept() {
    ScriptedUpstream busy = upstream("m", Scripts.delayed(2_000, "{\"ok\":1}"));
    twoReplicas(busy, "{ stalled_after: 300ms }", "{ first_byte: 30s }");
    HttpResponse<String> r = h.post("/v1/completions", "{\"model\":\"m\"}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-lb-replica")).hasValue("bad");
    assertThat(h.router().pool().ejected(replica("bad"))).isFalse();
    assertThat(busy.healthChecks()).as("the silence was checked with a probe").isGreaterThan(1);
  }

  @Test
  void aReplicaWhoseStreamsHangAfterAFewTokensIsEjectedThoughNewOnesStillStart() {
    // Every stream sends two events, then nothing: new streams keep the replica looking alive,
    // but most of what it runs is silent.
    ScriptedUpstream bad = upstream("m", Scripts.sseThenStall(2, 10));
    twoReplicas(bad, "{ stalled_after: 500ms, slow_start: 0s }", "{ stream_idle: 30s }");
    List<CompletableFuture<HttpResponse<String>>> streams = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      streams.add(chatAsync());
      bad.awaitCall(i);
    }
    // A new stream every 100 ms on the bad replica until it is taken out.
    long ejectedBefore = System.nanoTime();
    while (!h.router().pool().ejected(replica("bad"))
        && System.nanoTime() - ejectedBefore < 20_000_000_000L) {
      streams.add(chatAsync());
      await().pollDelay(Duration.ofMillis(100)).until(() -> true);
    }
    assertThat(h.metric("lb_ejections_total", "replica=\"bad\"", "reason=\"stalled\""))
        .isEqualTo(1);
    for (CompletableFuture<HttpResponse<String>> f : streams) {
      HttpResponse<String> r = f.join();
      assertThat(r.statusCode()).isEqualTo(200);
      if ("bad".equals(r.headers().firstValue("x-lb-replica").orElse(""))) {
        assertThat(r.body()).contains("The replica stalled").doesNotContain("[DONE]");
      } else {
        assertThat(r.body()).endsWith("data: [DONE]\n\n");
      }
    }
  }

  @Test
  void aPreemptingReplicaWhoseOldestStreamsFlowIsKept() {
    // vLLM out of KV cache preempts its newest requests: their streams pause for seconds while
    // the oldest ones keep flowing. Most streams are silent, but the replica is serving.
    AtomicInteger n = new AtomicInteger();
    ScriptedUpstream busy = upstream("m", call -> {
      if (n.getAndIncrement() == 0) {
        Scripts.sse(150, 10, 20).run(call);
      } else {
        Scripts.ssePaused(2, 1500, 3, 10).run(call);
      }
    });
    // Their pause outlasts stream_idle too: a preempted request waits in vLLM's queue again.
    twoReplicas(busy, "{ stalled_after: 300ms, slow_start: 0s }", "{ stream_idle: 500ms }");
    List<CompletableFuture<HttpResponse<String>>> streams = new ArrayList<>();
    streams.add(chatAsync());
    busy.awaitCall(0);
    // Let the first stream run past stalled_after, then start three that get preempted.
    await().pollDelay(Duration.ofMillis(500)).until(() -> true);
    for (int i = 1; i <= 3; i++) {
      streams.add(chatAsync());
      busy.awaitCall(i);
    }
    for (CompletableFuture<HttpResponse<String>> f : streams) {
      HttpResponse<String> r = f.join();
      assertThat(r.headers().firstValue("x-lb-replica")).hasValue("bad");
      assertThat(r.body()).endsWith("data: [DONE]\n\n");
    }
    assertThat(h.router().pool().ejected(replica("bad"))).isFalse();
    assertThat(h.metric("lb_ejections_total", "replica=\"bad\"", "reason=\"stalled\""))
        .isZero();
  }

  @Test
  void aPreemptedStreamWaitsNoLongerThanTheQueueWaitBound() {
    AtomicInteger n = new AtomicInteger();
    ScriptedUpstream busy = upstream("m", call -> {
      if (n.getAndIncrement() == 0) {
        Scripts.sse(200, 10, 20).run(call);
      } else {
        Scripts.ssePaused(2, 60_000, 3, 10).run(call);
      }
    });
    twoReplicas(busy, "{ stalled_after: 300ms, slow_start: 0s }",
        "{ stream_idle: 300ms, first_byte: 1500ms }");
    CompletableFuture<HttpResponse<String>> flowing = chatAsync();
    busy.awaitCall(0);
    await().pollDelay(Duration.ofMillis(500)).until(() -> true);
    HttpResponse<String> waited = h.post("/v1/chat/completions", RouterHarness.chat("m", true));
    assertThat(waited.body()).contains("\"i\":1").contains("GatewayTimeoutError")
        .doesNotContain("[DONE]");
    assertThat(h.log().entries()).extracting(AccessLogEntry::reason)
        .contains(Reason.STREAM_IDLE_TIMEOUT);
    assertThat(flowing.join().body()).endsWith("data: [DONE]\n\n");
    assertThat(h.router().pool().ejected(replica("bad"))).isFalse();
  }

  @Test
  void aSilentStreamOnAnOtherwiseWorkingReplicaEndsAfterStreamIdleAndCountsAsAFailure() {
    ScriptedUpstream bad = upstream("m", Scripts.sseThenStall(2, 10));
    twoReplicas(bad, "{ stalled_after: 0s, consecutive_failures: 1 }",
        "{ stream_idle: 500ms }");
    HttpResponse<String> r = h.post("/v1/chat/completions", RouterHarness.chat("m", true));
    assertThat(r.body()).contains("\"i\":1").contains("GatewayTimeoutError")
        .doesNotContain("[DONE]");
    assertThat(h.log().awaitNth(0).reason()).isEqualTo(Reason.STREAM_IDLE_TIMEOUT);
    assertThat(h.metric("lb_ejections_total", "replica=\"bad\"", "reason=\"failures\""))
        .isEqualTo(1);
  }

  @Test
  void aStreamWhoseReplicaFailsBeforeItsFirstEventIsRetriedElsewhere() {
    // vLLM sends a stream's head at once; the router relays it with the first event only.
    ScriptedUpstream bad = upstream("m", call -> {
      Scripts.headThenStall().run(call);
      call.vertx.setTimer(50, t -> call.request.connection().close());
    });
    twoReplicas(bad, "{ slow_start: 0s }", "{ }");
    HttpResponse<String> r = h.post("/v1/chat/completions", RouterHarness.chat("m", true));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-lb-replica")).hasValue("good");
    assertThat(r.body()).endsWith("data: [DONE]\n\n");
    assertThat(h.metric("lb_retries_total", "reason=\"upstream_reset\"")).isEqualTo(1);
  }

  @Test
  void aFailedProbeIsFollowedByFastProbes() {
    ScriptedUpstream flaky = upstream("m", Scripts.ok());
    good = upstream("m", Scripts.ok());
    start(RouterHarness.builder().replica("bad", flaky).replica("good", good)
        .section("health_check", "{ interval: 3s, fast_interval: 100ms, timeout: 1s,"
            + " unhealthy_threshold: 3, healthy_threshold: 1 }"));
    int before = flaky.healthChecks();
    await().atMost(10, TimeUnit.SECONDS).until(() -> flaky.healthChecks() > before);
    flaky.health(503);
    int atFailure = flaky.healthChecks();
    await().atMost(10, TimeUnit.SECONDS).until(() -> flaky.healthChecks() > atFailure);
    long firstFailure = System.nanoTime();
    await().atMost(10, TimeUnit.SECONDS).until(() -> !h.router().pool().healthy(replica("bad")));
    // Two more probes after the first failure, 100 ms apart instead of 3 s.
    assertThat(Duration.ofNanos(System.nanoTime() - firstFailure)).isLessThan(Duration.ofSeconds(2));
  }
}
