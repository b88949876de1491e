package io.fleetlb.lb.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetlb.lb.log.Reason;
import io.fleetlb.lb.pool.Replica;
import io.fleetlb.lb.testing.ProxyTestBase;
import io.fleetlb.lb.testing.RawClient;
import io.fleetlb.lb.testing.RouterHarness;
import io.fleetlb.lb.testing.ScriptedUpstream;
import io.fleetlb.lb.testing.Scripts;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Upstream pools are sized explicitly: no hidden cap of 5, and a full pool answers at once. */
class ConcurrencyTest extends ProxyTestBase {

  @Test
  void manyConcurrentRequestsReachOneReplicaAtOnce() {
    ScriptedUpstream up = upstream("m", Scripts.stall());
    start(RouterHarness.builder().replica("r", up)
        .section("upstream", "{ max_connections_per_replica: 128 }"));
    Replica r = h.router().pool().replicas().get(0);
    List<RawClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 60; i++) {
        clients.add(RawClient.connect(h.router().port())
            .post("/v1/completions", "{\"model\":\"m\"}"));
      }
      await().atMost(20, TimeUnit.SECONDS).until(() -> up.calls().size() == 60);
      assertThat(h.router().load().inFlight(r)).isEqualTo(60);
      assertThat(h.router().load().dispatched(r)).isEqualTo(60);
      assertThat(h.metric("lb_upstream_in_flight", "replica=\"r\"")).isEqualTo(60);
      assertThat(h.metric("lb_requests_in_flight")).isEqualTo(60);
    } finally {
      clients.forEach(RawClient::close);
    }
    await().atMost(10, TimeUnit.SECONDS).until(() -> up.calls().stream()
        .allMatch(ScriptedUpstream.Call::wasReset));
    assertThat(h.router().load().cancelled(r)).isEqualTo(60);
  }

  @Test
  void aFullPoolAndWaitQueueIsAnswered503AtOnce() {
    ScriptedUpstream up = upstream("m", Scripts.stall());
    start(RouterHarness.builder().replica("r", up)
        .section("listen", "{ host: 127.0.0.1, port: 0, event_loops: 1 }")
        .section("upstream", "{ max_connections_per_replica: 2, max_wait_queue: 0 }"));
    List<RawClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        clients.add(RawClient.connect(h.router().port())
            .post("/v1/completions", "{\"model\":\"m\"}"));
      }
      await().atMost(10, TimeUnit.SECONDS).until(() -> up.calls().size() == 2);
      HttpResponse<String> r = h.post("/v1/completions", "{\"model\":\"m\"}");
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.headers().firstValue("retry-after")).hasValue("1");
      assertThat(r.body()).contains("Too many requests in flight for model `m`");
      assertThat(h.log().awaitNth(0).reason()).isEqualTo(Reason.POOL_FULL);
      assertThat(up.calls()).hasSize(2);
      Replica replica = h.router().pool().replicas().get(0);
      assertThat(h.router().pool().ejected(replica)).isFalse();
    } finally {
      clients.forEach(RawClient::close);
    }
  }
}
