package io.fleetlb.lb.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetlb.lb.log.AccessLogEntry;
import io.fleetlb.lb.log.Reason;
import io.fleetlb.lb.pool.Replica;
import io.fleetlb.lb.testing.Keys;
import io.fleetlb.lb.testing.ProxyTestBase;
import io.fleetlb.lb.testing.RawClient;
import io.fleetlb.lb.testing.RouterHarness;
import io.fleetlb.lb.testing.ScriptedUpstream;
import io.fleetlb.lb.testing.Scripts;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Admission control: never more than the limit in flight on a replica, the rest waiting in the
 * router's queue (dispatched when a slot frees, fairly between keys), 503 with Retry-After when
 * the queue is full or the wait too long, and a client that leaves takes its place with it.
 */
class AdmissionTest extends ProxyTestBase {
  private static final String BODY = "{\"model\":\"m\",\"stream\":false}";
  /** Most requests each upstream ever had open at once. */
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger maxOpen = new AtomicInteger();

  /** A replica that holds every request until the test answers it. */
  private ScriptedUpstream held(String model) {
    return upstream(model, call -> {
      maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
      // Runs when the answer was sent or the connection closed, whichever comes first.
      call.request.response().endHandler(v -> open.decrementAndGet());
    });
  }

  private CompletableFuture<HttpResponse<String>> postAsync(String token) {
    HttpRequest.Builder r = HttpRequest.newBuilder(h.uri("/v1/completions"))
        .POST(HttpRequest.BodyPublishers.ofString(BODY));
    if (token != null) {
      r.header("authorization", "Bearer " + token);
    }
    return h.http().sendAsync(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  private List<ScriptedUpstream.Call> callsOf(ScriptedUpstream... ups) {
    List<ScriptedUpstream.Call> all = new ArrayList<>();
    for (ScriptedUpstream u : ups) {
      all.addAll(u.calls());
    }
    return all;
  }

  private double queued() {
    return h.metric("lb_queue_length", "model=\"m\"");
  }

  @Test
  void beyondTheLimitRequestsWaitAndTakeTheFirstFreedSlot() {
    ScriptedUpstream one = held("m");
    ScriptedUpstream two = held("m");
    start(RouterHarness.builder().replica("one", one).replica("two", two)
        .policy((c, load) -> c.get(0))
        .section("admission", "{ max_in_flight_per_replica: 2 }"));
    List<CompletableFuture<HttpResponse<String>>> rs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      rs.add(postAsync(null));
    }
    await().atMost(10, TimeUnit.SECONDS).until(() -> callsOf(one, two).size() == 4
        && queued() == 2);
    assertThat(one.calls()).hasSize(2);
    assertThat(two.calls()).as("the policy picks among replicas with room").hasSize(2);
    Replica r2 = h.router().pool().replicas().get(1);
    assertThat(h.router().pool().inFlight(r2)).isEqualTo(2);

    two.calls().get(0).answer("{\"n\":0}");
    await().atMost(10, TimeUnit.SECONDS).until(() -> two.calls().size() == 3);
    assertThat(one.calls()).as("the slot freed on two went to a waiting request").hasSize(2);
    assertThat(queued()).isEqualTo(1);
    callsOf(one, two).forEach(c -> c.answer("{}"));
    await().atMost(10, TimeUnit.SECONDS).until(() -> callsOf(one, two).size() == 6);
    callsOf(one, two).forEach(c -> c.answer("{}"));
    rs.forEach(f -> assertThat(f.join().statusCode()).isEqualTo(200));
    assertThat(maxOpen.get()).as("never more than 2 per replica, 4 in all").isEqualTo(4);
    assertThat(queued()).isZero();
    assertThat(h.metric("lb_queue_wait_seconds_count", "model=\"m\"")).isEqualTo(2);
    assertThat(h.log().entries()).filteredOn(e -> e.queueMicros() >= 0).hasSize(2);
  }

  @Test
  void aFullQueueAnswers503AtOnceWithRetryAfter() {
    ScriptedUpstream one = held("m");
    start(RouterHarness.builder().replica("one", one)
        .section("admission", "{ max_in_flight_per_replica: 1, queue: { max_per_model: 1 } }"));
    CompletableFuture<HttpResponse<String>> running = postAsync(null);
    one.awaitCall(0);
    CompletableFuture<HttpResponse<String>> waiting = postAsync(null);
    await().atMost(10, TimeUnit.SECONDS).until(() -> queued() == 1);
    HttpResponse<String> refused = postAsync(null).join();
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.headers().firstValue("retry-after")).isPresent();
    assertThat(new JsonObject(refused.body()).getJsonObject("error").getString("message"))
        .contains("queue for it is full");
    assertThat(h.metric("lb_admission_rejected_total", "reason=\"queue_full\"")).isEqualTo(1);
    one.calls().get(0).answer("{}");
    one.awaitCall(1).answer("{}");
    assertThat(running.join().statusCode()).isEqualTo(200);
    assertThat(waiting.join().statusCode()).isEqualTo(200);
  }

  @Test
  void aRequestWaitingLongerThanMaxWaitGets503() {
    ScriptedUpstream one = held("m");
    start(RouterHarness.builder().replica("one", one)
        .section("admission", "{ max_in_flight_per_replica: 1, queue: { max_wait: 300ms } }"));
    CompletableFuture<HttpResponse<String>> running = postAsync(null);
    one.awaitCall(0);
    HttpResponse<String> late = postAsync(null).join();
    assertThat(late.statusCode()).isEqualTo(503);
    assertThat(late.headers().firstValue("retry-after")).isPresent();
    AccessLogEntry e = h.log().awaitNth(0);
    assertThat(e.reason()).isEqualTo(Reason.QUEUE_TIMEOUT);
    assertThat(e.queueMicros()).isGreaterThanOrEqualTo(300_000);
    assertThat(one.calls()).hasSize(1);
    one.calls().get(0).answer("{}");
    assertThat(running.join().statusCode()).isEqualTo(200);
  }

  @Test
  void aRequestWokenInTheSweepWhereItsWaitRunsOutIsStillServed() {
    // One event loop and a virtual clock: one sweep first ends the running request (its first
    // byte is late), which wakes the queued one, then finds the queued one's wait over while its
    // wake-up is still on the way. The wake-up must not be lost: the request is dispatched (or
    // answered), never left waiting for ever.
    AtomicLong clock = new AtomicLong(System.nanoTime());
    ScriptedUpstream one = held("m");
    start(RouterHarness.builder().replica("one", one)
        .section("listen", "{ host: 127.0.0.1, port: 0, event_loops: 1 }")
        .section("health_check", "{ enabled: false }")
        .section("timeouts", "{ first_byte: 10s }")
        .section("admission", "{ max_in_flight_per_replica: 1, queue: { max_wait: 5s } }")
        .nanoClock(clock::get));
    CompletableFuture<HttpResponse<String>> first = postAsync(null);
    one.awaitCall(0);
    CompletableFuture<HttpResponse<String>> queued = postAsync(null);
    await().atMost(10, TimeUnit.SECONDS).until(() -> queued() == 1);
    clock.addAndGet(TimeUnit.SECONDS.toNanos(11));
    assertThat(first.orTimeout(10, TimeUnit.SECONDS).join().statusCode()).isEqualTo(504);
    // Woken, not timed out: it reaches the replica (whose answer it gets).
    one.awaitCall(1).answer("{\"n\":2}");
    HttpResponse<String> second = queued.orTimeout(10, TimeUnit.SECONDS).join();
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.body()).isEqualTo("{\"n\":2}");
  }

  @Test
  void aClientThatLeavesTheQueueIsForgotten() {
    ScriptedUpstream one = held("m");
    start(RouterHarness.builder().replica("one", one)
        .section("admission", "{ max_in_flight_per_replica: 1 }"));
    CompletableFuture<HttpResponse<String>> running = postAsync(null);
    one.awaitCall(0);
    RawClient c = RawClient.connect(h.router().port());
    c.post("/v1/completions", BODY);
    await().atMost(10, TimeUnit.SECONDS).until(() -> queued() == 1);
    c.closeNow();
    await().atMost(10, TimeUnit.SECONDS).until(() -> queued() == 0);
    AccessLogEntry e = h.log().awaitNth(0);
    assertThat(e.status()).isEqualTo(499);
    assertThat(e.reason()).isEqualTo(Reason.CLIENT_GONE);
    one.calls().get(0).answer("{}");
    assertThat(running.join().statusCode()).isEqualTo(200);
    assertThat(one.calls()).as("the replica never saw the request that left").hasSize(1);
  }

  @Test
  void oneKeysBurstDoesNotStarveAnotherKey() throws Exception {
    ScriptedUpstream one = held("m");
    start(RouterHarness.builder().replica("one", one)
        .section("admission", "{ max_in_flight_per_replica: 1 }")
        .section("auth", "{ keys: [{ id: bulk, key_sha256: \"" + Keys.sha256("sk-bulk")
            + "\" }, { id: chat, key_sha256: \"" + Keys.sha256("sk-chat") + "\" }] }"));
    List<String> order = new CopyOnWriteArrayList<>();
    one.script(call -> order.add(call.headers.get("x-request-id")));
    List<CompletableFuture<HttpResponse<String>>> rs = new ArrayList<>();
    rs.add(sendWithId("sk-bulk", "bulk-0"));
    one.awaitCall(0);
    for (int i = 1; i <= 5; i++) {
      rs.add(sendWithId("sk-bulk", "bulk-" + i));
      int expected = i;
      await().atMost(10, TimeUnit.SECONDS).until(() -> queued() == expected);
    }
    rs.add(sendWithId("sk-chat", "chat-0"));
    await().atMost(10, TimeUnit.SECONDS).until(() -> queued() == 6);
    for (int i = 0; i < 7; i++) {
      ScriptedUpstream.Call c = one.awaitCall(i);
      c.answer("{}");
    }
    rs.forEach(f -> assertThat(f.join().statusCode()).isEqualTo(200));
    // Lanes are served in turn: after one bulk request the chat request, not after all five.
    assertThat(order).containsExactly("bulk-0", "bulk-1", "chat-0", "bulk-2", "bulk-3",
        "bulk-4", "bulk-5");
  }

  private CompletableFuture<HttpResponse<String>> sendWithId(String token, String id) {
    return h.http().sendAsync(HttpRequest.newBuilder(h.uri("/v1/completions"))
        .header("authorization", "Bearer " + token).header("x-request-id", id)
        .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void zeroMeansNoLimitAndNoQueue() {
    ScriptedUpstream one = held("m");
    start(RouterHarness.builder().replica("one", one)
        .section("admission", "{ max_in_flight_per_replica: 0 }"));
    List<CompletableFuture<HttpResponse<String>>> rs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      rs.add(postAsync(null));
    }
    await().atMost(10, TimeUnit.SECONDS).until(() -> one.calls().size() == 5);
    assertThat(queued()).isZero();
    one.calls().forEach(c -> c.answer("{}"));
    rs.forEach(f -> assertThat(f.join().statusCode()).isEqualTo(200));
  }

  @Test
  void aReplicasOwnLimitOverridesTheDefault() {
    ScriptedUpstream one = held("m");
    start(RouterHarness.builder().replica("one", one, 1)
        .section("admission", "{ max_in_flight_per_replica: 5 }"));
    CompletableFuture<HttpResponse<String>> first = postAsync(null);
    CompletableFuture<HttpResponse<String>> second = postAsync(null);
    await().atMost(10, TimeUnit.SECONDS).until(() -> queued() == 1 && one.calls().size() == 1);
    assertThat(h.metric("lb_replica_max_in_flight", "replica=\"one\"")).isEqualTo(1);
    one.calls().get(0).answer("{}");
    one.awaitCall(1).answer("{}");
    assertThat(first.join().statusCode()).isEqualTo(200);
    assertThat(second.join().statusCode()).isEqualTo(200);
  }
}
