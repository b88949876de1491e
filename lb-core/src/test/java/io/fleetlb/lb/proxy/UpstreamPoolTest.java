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
import io.vertx.core.http.HttpConnection;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The router's own upstream connections ({@link UpstreamPool}): kept alive and reused, capped per
 * replica with a bounded wait queue, expired after {@code upstream.keep_alive_timeout}, replaced
 * when a replica closes them, and what reaches the replica is a well-formed request.
 */
class UpstreamPoolTest extends ProxyTestBase {
  private static final String ONE_LOOP = "{ host: 127.0.0.1, port: 0, event_loops: 1 }";
  /** The routers' virtual clock in the tests that set it. */
  private final AtomicLong clock = new AtomicLong(System.nanoTime());

  /** A router on one event loop in front of {@code up} alone, without health probes. */
  private static RouterHarness.Builder oneLoop(ScriptedUpstream up) {
    return RouterHarness.builder().replica("r", up).section("listen", ONE_LOOP)
        .section("health_check", "{ enabled: false }");
  }

  private static long connections(ScriptedUpstream up) {
    return up.calls().stream().map(c -> c.request.connection()).distinct().count();
  }

  @Test
  void sequentialRequestsShareOneKeptAliveConnection() {
    ScriptedUpstream up = upstream("m", Scripts.ok());
    start(oneLoop(up));
    String body = "{\"model\":\"m\",\"prompt\":\"héllo\"}";
    for (int i = 0; i < 5; i++) {
      assertThat(h.post("/v1/completions", body).statusCode()).isEqualTo(200);
    }
    assertThat(connections(up)).isEqualTo(1);
    ScriptedUpstream.Call call = up.awaitCall(4);
    assertThat(call.headers.get("host")).isEqualTo("127.0.0.1:" + up.port());
    assertThat(call.headers.get("content-length"))
        .isEqualTo(Integer.toString(body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length));
    assertThat(call.bodyText()).isEqualTo(body);
    assertThat(call.uri).isEqualTo("/v1/completions");
  }

  @Test
  void aFullPoolQueuesRequestsThenRefusesThem() {
    ScriptedUpstream up = upstream("m", Scripts.stall());
    start(oneLoop(up)
        .section("timeouts", "{ connect: 60s }")
        .section("upstream", "{ max_connections_per_replica: 1, max_wait_queue: 1 }"));
    RawClient first = RawClient.connect(h.router().port()).post("/v1/completions",
        "{\"model\":\"m\"}");
    RawClient second = null;
    try {
      await().atMost(10, TimeUnit.SECONDS).until(() -> up.calls().size() == 1);
      second = RawClient.connect(h.router().port()).post("/v1/completions", "{\"model\":\"m\"}");
      await().atMost(10, TimeUnit.SECONDS)
          .until(() -> h.router().load().inFlight(h.router().pool().replicas().get(0)) == 2);
      // the third finds the one connection lent and the one place in the queue taken
      HttpResponse<String> third = h.post("/v1/completions", "{\"model\":\"m\"}");
      assertThat(third.statusCode()).isEqualTo(503);
      assertThat(h.log().awaitNth(0).reason()).isEqualTo(Reason.POOL_FULL);
      assertThat(up.calls()).hasSize(1);
      // the first client leaves: its upstream connection is reset, the waiting request gets one
      first.close();
      await().atMost(10, TimeUnit.SECONDS).until(() -> up.calls().size() == 2);
      assertThat(up.awaitCall(0).wasReset()).isTrue();
      up.awaitCall(1).answer("{\"ok\":true}");
      assertThat(second.readUntil("{\"ok\":true}", Duration.ofSeconds(10)))
          .startsWith("HTTP/1.1 200");
    } finally {
      first.close();
      if (second != null) {
        second.close();
      }
    }
  }

  @Test
  void aWaitingRequestTakesTheConnectionTheAnswerBeforeItFreed() {
    ScriptedUpstream up = upstream("m", Scripts.stall());
    start(oneLoop(up)
        .section("timeouts", "{ connect: 60s }")
        .section("upstream", "{ max_connections_per_replica: 1, max_wait_queue: 1 }"));
    try (RawClient first = RawClient.connect(h.router().port()).post("/v1/completions",
            "{\"model\":\"m\"}");
        RawClient second = RawClient.connect(h.router().port())) {
      await().atMost(10, TimeUnit.SECONDS).until(() -> up.calls().size() == 1);
      second.post("/v1/completions", "{\"model\":\"m\"}");
      await().atMost(10, TimeUnit.SECONDS)
          .until(() -> h.router().load().inFlight(h.router().pool().replicas().get(0)) == 2);
      assertThat(up.calls()).hasSize(1);
      up.awaitCall(0).answer("{\"n\":1}");
      assertThat(first.readUntil("{\"n\":1}", Duration.ofSeconds(10))).startsWith("HTTP/1.1 200");
      await().atMost(10, TimeUnit.SECONDS).until(() -> up.calls().size() == 2);
      up.awaitCall(1).answer("{\"n\":2}");
      assertThat(second.readUntil("{\"n\":2}", Duration.ofSeconds(10)))
          .startsWith("HTTP/1.1 200");
      assertThat(connections(up)).as("handed over, not reopened").isEqualTo(1);
    }
  }

  @Test
  void aRequestWaitingForAConnectionPastTheConnectTimeoutIsAConnectTimeout() {
    ScriptedUpstream up = upstream("m", Scripts.stall());
    start(oneLoop(up)
        .section("timeouts", "{ connect: 300ms }")
        .section("upstream", "{ max_connections_per_replica: 1, max_wait_queue: 4 }"));
    try (RawClient first = RawClient.connect(h.router().port()).post("/v1/completions",
        "{\"model\":\"m\"}")) {
      await().atMost(10, TimeUnit.SECONDS).until(() -> up.calls().size() == 1);
      HttpResponse<String> waited = h.post("/v1/completions", "{\"model\":\"m\"}");
      assertThat(waited.statusCode()).isEqualTo(504);
      assertThat(waited.body()).contains("could be reached in time");
      assertThat(h.log().awaitNth(0).reason()).isEqualTo(Reason.CONNECT_TIMEOUT);
      assertThat(up.calls()).hasSize(1);
    }
  }

  @Test
  void idleConnectionsCloseAfterTheKeepAliveTimeout() {
    ScriptedUpstream up = upstream("m", Scripts.ok());
    start(oneLoop(up)
        .section("upstream", "{ keep_alive_timeout: 4s, warm_connections: 0 }")
        .nanoClock(clock::get));
    Replica replica = h.router().pool().replicas().get(0);
    assertThat(h.post("/v1/completions", "{\"model\":\"m\"}").statusCode()).isEqualTo(200);
    HttpConnection conn = up.awaitCall(0).request.connection();
    AtomicLong closed = new AtomicLong();
    up.awaitCall(0).vertx.runOnContext(v -> conn.closeHandler(x -> closed.set(1)));
    clock.addAndGet(Duration.ofMillis(3900).toNanos());
    assertThat(h.post("/v1/completions", "{\"model\":\"m\"}").statusCode()).isEqualTo(200);
    assertThat(connections(up)).as("reused within the timeout").isEqualTo(1);
    assertThat(closed.get()).isZero();
    clock.addAndGet(Duration.ofSeconds(4).toNanos());
    await().atMost(10, TimeUnit.SECONDS).until(() -> closed.get() == 1);
    await("nothing renewed with warm_connections: 0").atMost(10, TimeUnit.SECONDS)
        .until(() -> open(replica) == 0);
    assertThat(h.post("/v1/completions", "{\"model\":\"m\"}").statusCode()).isEqualTo(200);
    assertThat(connections(up)).isEqualTo(2);
  }

  /** Opens three upstream connections at once (three held requests, then answered). */
  private void threeConnections(ScriptedUpstream up, Replica replica) {
    List<RawClient> clients = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      clients.add(RawClient.connect(h.router().port()).post("/v1/completions",
          "{\"model\":\"m\"}"));
    }
    await().atMost(10, TimeUnit.SECONDS).until(() -> up.calls().size() == 3);
    for (int i = 0; i < 3; i++) {
      up.awaitCall(i).answer("{\"n\":" + i + "}");
      assertThat(clients.get(i).readUntil("{\"n\":" + i + "}", Duration.ofSeconds(10)))
          .startsWith("HTTP/1.1 200");
      clients.get(i).close();
    }
    assertThat(open(replica)).isEqualTo(3);
    assertThat(up.connectionsAccepted()).isEqualTo(3);
  }

  private int open(Replica replica) {
    return ScriptedUpstream.join(h.router().upstreamConnections(replica));
  }

  /** A one-loop router on {@link #clock}: keep-alive 4 s, two warm connections; its replica. */
  private Replica startWarm(ScriptedUpstream up) {
    start(oneLoop(up)
        .section("upstream", "{ keep_alive_timeout: 4s, warm_connections: 2 }")
        .nanoClock(clock::get));
    return h.router().pool().replicas().get(0);
  }

  @Test
  void connectionsALullLeavesIdleAreRenewedForAMinuteAndNoLonger() {
    ScriptedUpstream up = upstream("m", Scripts.stall());
    Replica replica = startWarm(up);
    threeConnections(up, replica);
    // The lull: every 4.1 s the idle connections expire; two are replaced by new ones each time
    // (the third is only closed) until a minute after the last request.
    int steps = 0;
    for (long t = 4100; t < 60_000; t += 4100) {
      clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(4100));
      long expected = 3 + 2L * ++steps;
      await().atMost(10, TimeUnit.SECONDS).until(() -> up.connectionsAccepted() == expected
          && up.openConnections() == 2 && open(replica) == 2);
    }
    assertThat(steps).isEqualTo(14);
    clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(4100)); // 61.5 s after the last request
    await().atMost(10, TimeUnit.SECONDS)
        .until(() -> open(replica) == 0 && up.openConnections() == 0);
    assertThat(up.connectionsAccepted()).isEqualTo(3 + 2 * 14);
  }

  @Test
  void aRenewedConnectionServesTheFirstRequestAfterTheLull() {
    ScriptedUpstream up = upstream("m", Scripts.ok());
    Replica replica = startWarm(up);
    assertThat(h.post("/v1/completions", "{\"model\":\"m\"}").statusCode()).isEqualTo(200);
    clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(4100));
    await().atMost(10, TimeUnit.SECONDS).until(() -> up.connectionsAccepted() == 2
        && up.openConnections() == 1 && open(replica) == 1);
    assertThat(h.post("/v1/completions", "{\"model\":\"m\"}").statusCode()).isEqualTo(200);
    assertThat(up.connectionsAccepted()).as("no connection opened for the request").isEqualTo(2);
    assertThat(connections(up)).isEqualTo(2);
  }

  @Test
  void underTrafficConnectionsNoLongerNeededExpireWithoutRenewal() {
    ScriptedUpstream up = upstream("m", Scripts.stall());
    Replica replica = startWarm(up);
    threeConnections(up, replica);
    for (int i = 0; i < 2; i++) {
      // a request every 3 s: the most recently used connection serves it and stays fresh
      clock.addAndGet(TimeUnit.SECONDS.toNanos(3));
      try (RawClient c = RawClient.connect(h.router().port())) {
        c.post("/v1/completions", "{\"model\":\"m\"}");
        up.awaitCall(3 + i).answer("{\"again\":" + i + "}");
        assertThat(c.readUntil("{\"again\":" + i + "}", Duration.ofSeconds(10)))
            .startsWith("HTTP/1.1 200");
      }
    }
    // the two others expired while requests kept coming: closed, not renewed
    await().atMost(10, TimeUnit.SECONDS)
        .until(() -> open(replica) == 1 && up.openConnections() == 1);
    assertThat(up.connectionsAccepted()).isEqualTo(3);
  }

  @Test
  void aConnectionTheReplicaClosedWhileIdleIsCountedOutAndReplaced() {
    ScriptedUpstream up = upstream("m", Scripts.ok());
    start(oneLoop(up));
    Replica replica = h.router().pool().replicas().get(0);
    assertThat(h.post("/v1/completions", "{\"model\":\"m\"}").statusCode()).isEqualTo(200);
    assertThat(open(replica)).isEqualTo(1);
    ScriptedUpstream.Call call = up.awaitCall(0);
    call.vertx.runOnContext(v -> call.request.connection().close());
    await().atMost(10, TimeUnit.SECONDS)
        .until(() -> open(replica) == 0);
    for (int i = 0; i < 3; i++) {
      assertThat(h.post("/v1/completions", "{\"model\":\"m\"}").statusCode()).isEqualTo(200);
    }
    assertThat(connections(up)).isEqualTo(2);
    assertThat(open(replica)).isEqualTo(1);
  }

  @Test
  void aRefusedConnectLeavesNothingCounted() {
    start(RouterHarness.builder().replica("r", "http://127.0.0.1:" + deadPort(), "m")
        .section("listen", ONE_LOOP).section("health_check", "{ enabled: false }"));
    Replica replica = h.router().pool().replicas().get(0);
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = h.post("/v1/completions", "{\"model\":\"m\"}");
      assertThat(r.statusCode()).isEqualTo(502);
    }
    assertThat(h.log().awaitNth(2).reason()).isEqualTo(Reason.CONNECT_FAILED);
    assertThat(open(replica)).isZero();
  }

  @Test
  void aResponseHeadTooLargeToDecodeIsABadGateway() {
    ScriptedUpstream up = upstream("m", call -> call.request.response()
        .putHeader("x-huge", "a".repeat(70 * 1024)).end("{}"));
    start(oneLoop(up));
    HttpResponse<String> r = h.post("/v1/completions", "{\"model\":\"m\"}");
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(h.log().awaitNth(0).reason()).isEqualTo(Reason.UPSTREAM_RESET);
  }

  @Test
  void anInterimResponseIsSkipped() {
    ScriptedUpstream up = upstream("m", call -> {
      call.request.response().writeContinue();
      call.request.response().putHeader("content-type", "application/json").end("{\"a\":1}");
    });
    start(oneLoop(up));
    for (int i = 0; i < 2; i++) {
      HttpResponse<String> r = h.post("/v1/completions", "{\"model\":\"m\"}");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("{\"a\":1}");
    }
    assertThat(connections(up)).isEqualTo(1);
  }
}
