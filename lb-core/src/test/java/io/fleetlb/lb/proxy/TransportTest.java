package io.fleetlb.lb.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThatCode;

import io.fleetlb.lb.Transports;
import io.fleetlb.lb.testing.ProxyTestBase;
import io.fleetlb.lb.testing.RouterHarness;
import io.fleetlb.lb.testing.ScriptedUpstream;
import io.fleetlb.lb.testing.Scripts;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The router serves on each network transport ({@code listen.transport}): streamed and whole
 * answers, and requests moved off an ejected replica in one event-loop turn (their stalled
 * connections closed, new ones opened, all answers complete: with Netty 4.2.12's io_uring
 * transport some of these answers never reached their client). A transport this machine cannot
 * load is skipped.
 */
class TransportTest extends ProxyTestBase {
  @ParameterizedTest
  @ValueSource(strings = {"nio", "epoll", "io_uring"})
  void servesStreamsAndMovesRequestsOffAnEjectedReplica(String transport) {
    assumeThatCode(() -> Transports.resolve(transport)).as(transport + " loads here")
        .doesNotThrowAnyException();
    ScriptedUpstream hung = upstream("m", Scripts.stall());
    ScriptedUpstream good = upstream("m", Scripts.sse(3, 10, 10));
    start(RouterHarness.builder().replica("bad", hung).replica("good", good)
        .section("listen", "{ host: 127.0.0.1, port: 0, event_loops: 2, transport: " + transport
            + " }")
        .section("ejection", "{ stalled_after: 500ms, slow_start: 0s }")
        .section("timeouts", "{ first_byte: 60s }")
        .section("retry", "{ budget_percent: 0, min_retry_concurrency: 0 }"));
    assertThat(Transports.name(h.router().vertx())).isEqualTo(transport);
    assertThat(h.get("/metrics").statusCode()).isEqualTo(404); // the admin API is elsewhere

    List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      waiting.add(CompletableFuture.supplyAsync(() -> h.post("/v1/chat/completions",
          RouterHarness.chat("m", true))));
      hung.awaitCall(i);
    }
    hung.health(0);
    for (CompletableFuture<HttpResponse<String>> f : waiting) {
      HttpResponse<String> r = f.join();
      assertThat(r.headers().firstValue("x-lb-replica")).as(r.body()).hasValue("good");
      assertThat(r.body()).startsWith("data: {\"i\":0").endsWith("data: [DONE]\n\n");
    }
    // Kept-alive connections carry the next requests, streamed and whole.
    for (int i = 0; i < 20; i++) {
      HttpResponse<String> r = h.post("/v1/chat/completions", RouterHarness.chat("m", i % 2 == 0));
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).endsWith("data: [DONE]\n\n");
    }
    assertThat(h.metric("lb_router_info", "transport=\"" + transport + "\"")).isEqualTo(1);
    h.assertBalanced();
  }
}
