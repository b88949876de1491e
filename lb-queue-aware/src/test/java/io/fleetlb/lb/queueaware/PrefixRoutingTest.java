package io.fleetlb.lb.queueaware;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetlb.lb.queueaware.config.PolicyConfig;
import io.fleetlb.lb.queueaware.scrape.Expositions;
import io.fleetlb.lb.testing.RouterHarness;
import io.fleetlb.lb.testing.ScriptedUpstream;
import io.fleetlb.lb.testing.Scripts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Prefix affinity through the real router: the prompt text travels from lb-core's body parse to
 * the policy, requests sharing a long system prompt stay on one replica while the replicas
 * report equal loads, and the index shows on the admin {@code /metrics}.
 */
class PrefixRoutingTest extends QueueAwareTestBase {
  private static final String SYSTEM = "You are a careful assistant for the fleet. ".repeat(150);

  private static String chat(String question) {
    return new JsonObject().put("model", "m").put("max_tokens", 8).put("messages", new JsonArray()
        .add(new JsonObject().put("role", "system").put("content", SYSTEM))
        .add(new JsonObject().put("role", "user").put("content", question))).encode();
  }

  private RouterHarness router(PolicyConfig policy) {
    RouterHarness.Builder b = RouterHarness.builder();
    for (int i = 0; i < 3; i++) {
      ScriptedUpstream u = upstream("m", Scripts.ok()).metrics(Expositions.serving(
          new AtomicReference<>(Expositions.v1("m", 2, 0, 0.2))));
      b.replica("r" + i, u);
    }
    return startQueueAware(b, FAST, policy);
  }

  private Set<String> replicasOf(int requests) {
    Set<String> used = new HashSet<>();
    for (int q = 0; q < requests; q++) {
      HttpResponse<String> r = h.post("/v1/chat/completions", chat("question " + q));
      assertThat(r.statusCode()).isEqualTo(200);
      used.add(replica(r));
    }
    return used;
  }

  @Test
  void requestsSharingASystemPromptStayOnOneReplica() {
    router(PolicyConfig.DEFAULT.withPrefixWeight(1));
    assertThat(replicasOf(12)).hasSize(1);
    assertThat(h.metric("lb_prefix_requests_total", "model=\"m\"")).isEqualTo(12);
    assertThat(h.metric("lb_prefix_hits_total", "model=\"m\"")).isEqualTo(11);
    assertThat(h.metric("lb_prefix_matched_blocks_total", "model=\"m\"")).isPositive();
    assertThat(h.metric("lb_prefix_guard_total", "model=\"m\"")).isZero();
    assertThat(h.metric("lb_prefix_index_blocks")).isPositive();
    assertThat(h.metric("lb_prefix_index_capacity_blocks")).isEqualTo(65536);
  }

  @Test
  void withTheWeightAtZeroTheyAreSpreadAndNoIndexIsKept() {
    router(PolicyConfig.DEFAULT);
    assertThat(replicasOf(12)).hasSizeGreaterThan(1);
    assertThat(parts.policy().affinity()).isNull();
    assertThat(h.router().registry().scrape()).doesNotContain("lb_prefix_");
  }
}
