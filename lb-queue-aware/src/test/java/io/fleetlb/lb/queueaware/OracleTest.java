package io.fleetlb.lb.queueaware;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetlb.lb.policy.RequestInfo;
import io.fleetlb.lb.pool.Replica;
import io.fleetlb.lb.queueaware.config.PolicyConfig;
import io.fleetlb.lb.queueaware.oracle.OraclePolicy;
import io.fleetlb.lb.testing.RouterHarness;
import io.fleetlb.lb.testing.ScriptedUpstream;
import io.fleetlb.lb.testing.Scripts;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The oracle ({@code policy.mode: oracle}) against scripted replicas that answer vllm-sim's
 * {@code POST /sim/estimate}: it takes the lowest estimate, and falls back to the queue-aware
 * pick (counted) when an estimate fails or is late, without ever holding the event loop.
 */
class OracleTest extends QueueAwareTestBase {
  private static final String BODY = "{\"model\":\"m\",\"prompt\":\"hello\",\"max_tokens\":8}";
  private final List<String> estimateBodies = new CopyOnWriteArrayList<>();

  /** An upstream whose /sim/estimate runs {@code estimate}; inference answers ok. */
  private ScriptedUpstream replica(ScriptedUpstream.Script estimate) {
    ScriptedUpstream.Script ok = Scripts.ok();
    return upstream("m", call -> {
      if (call.uri.endsWith(OraclePolicy.PATH)) {
        estimateBodies.add(call.bodyText());
        estimate.run(call);
      } else {
        ok.run(call);
      }
    });
  }

  private static ScriptedUpstream.Script estimate(String id, double ttftMs, int running) {
    return call -> call.request.response().putHeader("content-type", "application/json")
        .end(new JsonObject().put("replica", id).put("prompt_tokens", 2).put("cached_tokens", 0)
            .put("waiting", 0).put("running", running).put("kv_cache_usage", 0.1)
            .put("estimated_ttft_ms", ttftMs).encode());
  }

  private RouterHarness oracle(Duration timeout, ScriptedUpstream... ups) {
    RouterHarness.Builder b = RouterHarness.builder();
    for (int i = 0; i < ups.length; i++) {
      b.replica("r" + i, ups[i]);
    }
    return startQueueAware(b, FAST,
        PolicyConfig.DEFAULT.withMode(PolicyConfig.ORACLE, timeout));
  }

  private Map<String, Integer> send(int n) {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < n; i++) {
      HttpResponse<String> r = h.post("/v1/completions", BODY);
      assertThat(r.statusCode()).isEqualTo(200);
      counts.merge(replica(r), 1, Integer::sum);
    }
    return counts;
  }

  private long inference(ScriptedUpstream u) {
    return u.calls().stream().filter(c -> !c.uri.endsWith(OraclePolicy.PATH)).count();
  }

  @Test
  void eachRequestGoesWhereTheEngineEstimatesTheFirstTokenSoonest() {
    ScriptedUpstream a = replica(estimate("r0", 500, 1));
    ScriptedUpstream b = replica(estimate("r1", 120, 9));
    ScriptedUpstream c = replica(estimate("r2", 300, 0));
    oracle(Duration.ofSeconds(5), a, b, c);
    assertThat(send(6)).containsExactly(Map.entry("r1", 6));
    assertThat(estimateBodies).hasSize(18).allMatch(BODY::equals);
    assertThat(h.metric("lb_oracle_picks_total")).isEqualTo(6);
    assertThat(h.metric("lb_oracle_fallbacks_total", "reason=\"error\"")).isZero();
    assertThat(h.metric("lb_oracle_fallbacks_total", "reason=\"timeout\"")).isZero();
  }

  @Test
  void equalEstimatesGoToTheReplicaRunningFewer() {
    ScriptedUpstream a = replica(estimate("r0", 200, 5));
    ScriptedUpstream b = replica(estimate("r1", 200, 2));
    oracle(Duration.ofSeconds(5), a, b);
    assertThat(send(4)).containsExactly(Map.entry("r1", 4));
  }

  @Test
  void aFailedOrBadEstimateFallsBackToTheQueueAwarePickAndIsCounted() {
    ScriptedUpstream a = replica(estimate("r0", 100, 0));
    ScriptedUpstream b = replica(Scripts.json(404, "{\"detail\":\"Not Found\"}"));
    oracle(Duration.ofSeconds(5), a, b);
    Map<String, Integer> counts = send(6);
    assertThat(counts.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(6);
    assertThat(h.metric("lb_oracle_fallbacks_total", "reason=\"error\"")).isEqualTo(6);
    assertThat(h.metric("lb_oracle_picks_total")).isZero();
    // Real vLLM (no such endpoint) is served by the queue-aware policy's picks.
    assertThat(h.metric("lb_policy_picks_total", "replica=\"r0\"")
        + h.metric("lb_policy_picks_total", "replica=\"r1\"")).isEqualTo(6);

    b.script(call -> call.request.response().end("{\"estimated_ttft_ms\":\"soon\"}"));
    send(2);
    assertThat(h.metric("lb_oracle_fallbacks_total", "reason=\"error\"")).isEqualTo(8);
  }

  @Test
  void aLateEstimateFallsBackAfterTheTimeout() {
    ScriptedUpstream a = replica(estimate("r0", 100, 0));
    ScriptedUpstream b = replica(Scripts.stall());
    oracle(Duration.ofMillis(150), a, b);
    assertThat(send(3).values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(3);
    assertThat(h.metric("lb_oracle_fallbacks_total", "reason=\"timeout\"")).isEqualTo(3);
    assertThat(h.metric("lb_oracle_picks_total")).isZero();
  }

  @Test
  void aPickReturnsAtOnceOnTheEventLoopAndCompletesLater() throws Exception {
    ScriptedUpstream a = replica(estimate("r0", 100, 0));
    ScriptedUpstream b = replica(Scripts.stall());
    oracle(Duration.ofMillis(300), a, b);
    OraclePolicy oracle = (OraclePolicy) parts.routing();
    List<Replica> both = h.router().pool().available("m");
    RequestInfo request = new RequestInfo(2, 8, false).withBody(Buffer.buffer(BODY));
    CompletableFuture<Boolean> completeOnReturn = new CompletableFuture<>();
    CompletableFuture<Replica> picked = new CompletableFuture<>();
    Context loop = vertx.getOrCreateContext();
    loop.runOnContext(v -> {
      Future<Replica> f = oracle.pickAsync(both, h.router().load(), request);
      completeOnReturn.complete(f.isComplete());
      f.onComplete(ar -> picked.complete(ar.result()));
    });
    assertThat(completeOnReturn.get(10, TimeUnit.SECONDS)).as("the loop is not held").isFalse();
    assertThat(picked.get(10, TimeUnit.SECONDS)).isIn(both);
    assertThat(oracle.timeouts()).isEqualTo(1);
    assertThat(inference(a) + inference(b)).isZero();
  }
}
