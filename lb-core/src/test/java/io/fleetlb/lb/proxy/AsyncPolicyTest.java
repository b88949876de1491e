package io.fleetlb.lb.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetlb.lb.log.AccessLogEntry;
import io.fleetlb.lb.log.Reason;
import io.fleetlb.lb.policy.LoadView;
import io.fleetlb.lb.policy.RequestInfo;
import io.fleetlb.lb.policy.RoutingPolicy;
import io.fleetlb.lb.pool.Replica;
import io.fleetlb.lb.testing.ProxyTestBase;
import io.fleetlb.lb.testing.RawClient;
import io.fleetlb.lb.testing.RouterHarness;
import io.fleetlb.lb.testing.ScriptedUpstream;
import io.fleetlb.lb.testing.Scripts;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The asynchronous pick seam: a policy that answers with a future is awaited without blocking
 * the event loop, its pick is used, and a request that ends while it waits takes nothing.
 */
class AsyncPolicyTest extends ProxyTestBase {
  private static final String BODY =
      "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}]}";

  /** An asynchronous policy whose answer the test decides; records what it was given. */
  static final class HeldPolicy implements RoutingPolicy {
    final List<Promise<Replica>> pending = new CopyOnWriteArrayList<>();
    final List<RequestInfo> requests = new CopyOnWriteArrayList<>();
    final List<Boolean> onEventLoop = new CopyOnWriteArrayList<>();
    final Function<List<Replica>, Future<Replica>> answer;

    HeldPolicy(Function<List<Replica>, Future<Replica>> answer) {
      this.answer = answer;
    }

    @Override
    public Replica pick(List<Replica> candidates, LoadView load) {
      throw new AssertionError("the router must call pickAsync");
    }

    @Override
    public boolean asynchronous() {
      return true;
    }

    @Override
    public boolean needsPromptText() {
      return true;
    }

    @Override
    public Future<Replica> pickAsync(List<Replica> candidates, LoadView load,
        RequestInfo request) {
      requests.add(request);
      onEventLoop.add(Context.isOnEventLoopThread());
      if (answer != null) {
        return answer.apply(candidates);
      }
      Promise<Replica> p = Promise.promise();
      pending.add(p);
      return p.future();
    }
  }

  @Test
  void theRouterAwaitsTheFutureAndRoutesWhereItSays() throws Exception {
    ScriptedUpstream a = upstream("m", Scripts.ok());
    ScriptedUpstream b = upstream("m", Scripts.ok());
    HeldPolicy policy = new HeldPolicy(null);
    start(RouterHarness.builder().replica("a", a).replica("b", b).policy(policy));
    CompletableFuture<HttpResponse<String>> r = h.http().sendAsync(
        HttpRequest.newBuilder(h.uri("/v1/chat/completions"))
            .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(),
        HttpResponse.BodyHandlers.ofString());
    await().atMost(10, TimeUnit.SECONDS).until(() -> policy.pending.size() == 1);
    // The event loop was handed back: the pick waits, nothing has been sent upstream yet.
    assertThat(policy.onEventLoop).containsExactly(true);
    assertThat(h.get("/health").statusCode()).isEqualTo(200);
    assertThat(a.calls()).isEmpty();
    assertThat(b.calls()).isEmpty();
    Replica second = h.router().pool().replicas().get(1);
    // Completed from a foreign thread: the router continues on the request's own event loop.
    new Thread(() -> policy.pending.get(0).complete(second)).start();
    HttpResponse<String> resp = r.get(10, TimeUnit.SECONDS);
    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(resp.headers().firstValue("x-lb-replica")).contains("b");
    assertThat(b.calls()).hasSize(1);
    RequestInfo seen = policy.requests.get(0);
    assertThat(seen.body().toString()).isEqualTo(BODY);
    assertThat(seen.prompt()).isEqualTo("user" + RequestInfo.ROLE_END + "hi there"
        + RequestInfo.MESSAGE_END);
  }

  @Test
  void aFailedFutureOrAForeignReplicaIsAPolicyErrorAndTheFirstCandidateServes() {
    ScriptedUpstream a = upstream("m", Scripts.ok());
    ScriptedUpstream b = upstream("m", Scripts.ok());
    List<Future<Replica>> answers = new ArrayList<>(List.of(
        Future.failedFuture("estimate failed"), Future.succeededFuture(null)));
    HeldPolicy policy = new HeldPolicy(c -> answers.remove(0));
    start(RouterHarness.builder().replica("a", a).replica("b", b).policy(policy));
    for (int i = 0; i < 2; i++) {
      HttpResponse<String> r = h.post("/v1/chat/completions", BODY);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("x-lb-replica")).contains("a");
    }
    assertThat(h.metric("lb_policy_errors_total")).isEqualTo(2);
  }

  @Test
  void aClientThatLeavesWhileThePickWaitsTakesNoSlotAndReachesNoReplica() {
    ScriptedUpstream a = upstream("m", Scripts.ok());
    HeldPolicy policy = new HeldPolicy(null);
    start(RouterHarness.builder().replica("a", a).policy(policy)
        .section("admission", "{ max_in_flight_per_replica: 1 }"));
    try (RawClient client = RawClient.connect(h.router().port())) {
      client.post("/v1/chat/completions", BODY);
      await().atMost(10, TimeUnit.SECONDS).until(() -> policy.pending.size() == 1);
      client.closeNow();
      AccessLogEntry e = h.log().awaitNth(0);
      assertThat(e.status()).isEqualTo(499);
      assertThat(e.reason()).isEqualTo(Reason.CLIENT_GONE);
    }
    Replica only = h.router().pool().replicas().get(0);
    policy.pending.get(0).complete(only);
    // The late pick is dropped: the slot stays free for the next request, which is served.
    CompletableFuture<HttpResponse<String>> next = h.http().sendAsync(
        HttpRequest.newBuilder(h.uri("/v1/chat/completions"))
            .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(),
        HttpResponse.BodyHandlers.ofString());
    await().atMost(10, TimeUnit.SECONDS).until(() -> policy.pending.size() == 2);
    policy.pending.get(1).complete(only);
    assertThat(next.join().statusCode()).isEqualTo(200);
    assertThat(a.calls()).hasSize(1);
    assertThat(h.router().load().inFlight(only)).isZero();
  }

  @Test
  void withInFlightLimitsRequestsQueueAndAreWokenThroughTheAsynchronousPick() {
    ScriptedUpstream a = upstream("m", Scripts.delayed(100, "{\"ok\":1}"));
    Vertx timers = vertx;
    HeldPolicy policy = new HeldPolicy(c -> {
      Promise<Replica> p = Promise.promise();
      timers.setTimer(20, t -> p.complete(c.get(0)));
      return p.future();
    });
    start(RouterHarness.builder().replica("a", a, 1).policy(policy)
        .section("admission", "{ max_in_flight_per_replica: 1 }"));
    List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      all.add(h.http().sendAsync(HttpRequest.newBuilder(h.uri("/v1/chat/completions"))
              .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(),
          HttpResponse.BodyHandlers.ofString()));
    }
    for (CompletableFuture<HttpResponse<String>> f : all) {
      assertThat(f.join().statusCode()).isEqualTo(200);
    }
    assertThat(a.calls()).hasSize(4);
    assertThat(h.metric("lb_policy_errors_total")).isZero();
  }
}
