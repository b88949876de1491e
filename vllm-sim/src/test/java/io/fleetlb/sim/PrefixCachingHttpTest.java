package io.fleetlb.sim;

import static io.fleetlb.sim.SimHttp.chat;
import static io.fleetlb.sim.SimHttp.events;
import static io.fleetlb.sim.SimHttp.json;
import static io.fleetlb.sim.SimHttp.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetlb.prom.MetricsSnapshot;
import io.fleetlb.prom.PrometheusText;
import io.fleetlb.sim.engine.MetricsVersion;
import io.fleetlb.sim.replica.ReplicaOptions;
import io.vertx.core.Vertx;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Prefix caching over HTTP: vLLM's metrics for V1 and V0, {@code cached_tokens} in usage, and the
 * simulator's {@code POST /sim/estimate}.
 */
class PrefixCachingHttpTest {

  static final String MODEL = "Qwen/Qwen2.5-7B-Instruct";
  static final String LONG = chat(MODEL, 300, "\"max_tokens\":2");
  Vertx vertx;
  final List<SimReplica> replicas = new ArrayList<>();

  @BeforeEach
  void vertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    for (SimReplica r : replicas) {
      r.close().await(5, TimeUnit.SECONDS);
    }
    vertx.close().await(5, TimeUnit.SECONDS);
  }

  private SimReplica start(ReplicaOptions.Builder b) throws Exception {
    SimReplica r = SimReplica.start(vertx, b.timeScale(50).build()).await(10, TimeUnit.SECONDS);
    replicas.add(r);
    return r;
  }

  private static MetricsSnapshot metrics(SimReplica r) throws Exception {
    return PrometheusText.parse(SimHttp.get(r.port(), "/metrics").body());
  }

  /**
   * Tokens a repeat of a {@code prompt}-token prompt finds cached: whole blocks, the last token's
   * block recomputed.
   */
  private static int repeatHit(int prompt) {
    return (prompt - 1) / 16 * 16;
  }

  @Test
  void v1CountsQueriesAndHitsInTokensAndSaysCachingIsOn() throws Exception {
    SimReplica r = start(ReplicaOptions.builder(MODEL));
    int prompt =
        json(post(r.port(), "/v1/chat/completions", LONG)).at("/usage/prompt_tokens").asInt();
    post(r.port(), "/v1/chat/completions", LONG);
    MetricsSnapshot s = metrics(r);

    assertThat(prompt).isEqualTo(300 + 10);
    assertThat(s.sum("vllm:prefix_cache_queries_total")).isEqualTo(2.0 * prompt);
    assertThat(s.sum("vllm:prefix_cache_hits_total")).isEqualTo(repeatHit(prompt));
    assertThat(s.samples("vllm:cache_config_info").get(0).labels().get("enable_prefix_caching"))
        .isEqualTo("True");
    assertThat(s.has("vllm:gpu_prefix_cache_hits_total")).isFalse(); // hidden in v0.11
  }

  @Test
  void v1WithCachingOffQueriesNothingAndSaysSo() throws Exception {
    SimReplica r = start(ReplicaOptions.builder(MODEL).enablePrefixCaching(false));
    post(r.port(), "/v1/chat/completions", LONG);
    post(r.port(), "/v1/chat/completions", LONG);
    MetricsSnapshot s = metrics(r);

    assertThat(s.sum("vllm:prefix_cache_queries_total")).isZero();
    assertThat(s.sum("vllm:prefix_cache_hits_total")).isZero();
    assertThat(s.samples("vllm:cache_config_info").get(0).labels().get("enable_prefix_caching"))
        .isEqualTo("False");
  }

  @Test
  void v0DefaultsToOffAndWhenOnReportsTheBlockHitRate() throws Exception {
    SimReplica off = start(ReplicaOptions.builder(MODEL).metricsVersion(MetricsVersion.V0));
    SimReplica on =
        start(
            ReplicaOptions.builder(MODEL)
                .metricsVersion(MetricsVersion.V0)
                .enablePrefixCaching(true));
    for (SimReplica r : List.of(off, on)) {
      post(r.port(), "/v1/chat/completions", LONG);
      post(r.port(), "/v1/chat/completions", LONG);
    }
    MetricsSnapshot o = metrics(off);
    MetricsSnapshot n = metrics(on);

    assertThat(o.sum("vllm:gpu_prefix_cache_hit_rate")).isEqualTo(-1.0);
    assertThat(o.sum("vllm:cpu_prefix_cache_hit_rate")).isEqualTo(-1.0);
    assertThat(o.samples("vllm:cache_config_info").get(0).labels().get("enable_prefix_caching"))
        .isEqualTo("False");
    // the second request found every full block of the first: half of all blocks looked up
    assertThat(n.sum("vllm:gpu_prefix_cache_hit_rate")).isEqualTo(0.5);
    assertThat(n.sum("vllm:cpu_prefix_cache_hit_rate")).isZero();
    assertThat(n.samples("vllm:cache_config_info").get(0).labels().get("enable_prefix_caching"))
        .isEqualTo("True");
  }

  @Test
  void cachedTokensAppearInUsageOnlyWithPromptTokensDetailsAsInVllm() throws Exception {
    SimReplica details = start(ReplicaOptions.builder(MODEL).enablePromptTokensDetails(true));
    SimReplica plain = start(ReplicaOptions.builder(MODEL));
    String stream =
        chat(
            MODEL,
            300,
            "\"max_tokens\":2,\"stream\":true,\"stream_options\":{\"include_usage\":true}");

    JsonNode first = json(post(details.port(), "/v1/chat/completions", LONG));
    JsonNode second = json(post(details.port(), "/v1/chat/completions", LONG));
    List<String> ev = events(post(details.port(), "/v1/chat/completions", stream));
    JsonNode streamed = json(ev.get(ev.size() - 2));
    int prompt = first.at("/usage/prompt_tokens").asInt();

    assertThat(first.at("/usage").has("prompt_tokens_details")).isTrue();
    assertThat(first.at("/usage/prompt_tokens_details").isNull()).isTrue(); // nothing cached yet
    assertThat(second.at("/usage/prompt_tokens_details/cached_tokens").asInt())
        .isEqualTo(repeatHit(prompt));
    assertThat(streamed.at("/usage/prompt_tokens_details/cached_tokens").asInt())
        .isEqualTo(repeatHit(prompt));

    post(plain.port(), "/v1/chat/completions", LONG);
    JsonNode without = json(post(plain.port(), "/v1/chat/completions", LONG));
    List<String> ev2 = events(post(plain.port(), "/v1/chat/completions", stream));
    assertThat(without.at("/usage/prompt_tokens_details").isNull()).isTrue();
    assertThat(json(ev2.get(ev2.size() - 2)).get("usage").has("prompt_tokens_details")).isFalse();
  }

  @Test
  void estimateAnswersTheOraclesViewForChatAndCompletionsBodies() throws Exception {
    SimReplica r = start(ReplicaOptions.builder(MODEL).id("qwen7b-1"));
    HttpResponse<String> cold = post(r.port(), "/sim/estimate", LONG);
    post(r.port(), "/v1/chat/completions", LONG);
    JsonNode warm = json(post(r.port(), "/sim/estimate", LONG));
    JsonNode completion =
        json(
            post(
                r.port(),
                "/sim/estimate",
                "{\"model\":\"" + MODEL + "\",\"prompt\":\"a b c\",\"max_tokens\":5}"));

    assertThat(cold.statusCode()).isEqualTo(200);
    assertThat(cold.headers().firstValue("content-type")).hasValue("application/json");
    JsonNode c = json(cold);
    List<String> fields = new ArrayList<>();
    c.fieldNames().forEachRemaining(fields::add);
    assertThat(fields)
        .containsExactly(
            "replica",
            "prompt_tokens",
            "cached_tokens",
            "waiting",
            "running",
            "kv_cache_usage",
            "estimated_ttft_ms");
    assertThat(c.get("replica").asText()).isEqualTo("qwen7b-1");
    assertThat(c.get("prompt_tokens").asInt()).isEqualTo(310);
    assertThat(c.get("cached_tokens").asInt()).isZero();
    assertThat(c.get("estimated_ttft_ms").asDouble()).isPositive();
    assertThat(warm.get("cached_tokens").asInt()).isEqualTo(repeatHit(310));
    assertThat(warm.get("estimated_ttft_ms").asDouble())
        .isLessThan(c.get("estimated_ttft_ms").asDouble());
    assertThat(completion.get("prompt_tokens").asInt()).isEqualTo(4);
    assertThat(metrics(r).sum("vllm:prefix_cache_queries_total")).isEqualTo(310); // no admission
  }

  @Test
  void aBadEstimateBodyGetsVllmsErrorFormat() throws Exception {
    SimReplica r = start(ReplicaOptions.builder(MODEL));
    HttpResponse<String> bad = post(r.port(), "/sim/estimate", "{not json");
    HttpResponse<String> unknown =
        post(r.port(), "/sim/estimate", "{\"model\":\"nope\",\"prompt\":\"x\"}");
    HttpResponse<String> get = SimHttp.get(r.port(), "/sim/estimate");

    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(json(bad).at("/error/code").asInt()).isEqualTo(400);
    assertThat(json(bad).at("/error/message").asText()).contains("JSON decode error");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(json(unknown).at("/error/type").asText()).isEqualTo("NotFoundError");
    assertThat(get.statusCode()).isEqualTo(405);
  }

  @Test
  void resetPrefixCacheEmptiesTheCacheAsVllmsDevEndpointDoes() throws Exception {
    SimReplica r = start(ReplicaOptions.builder(MODEL));
    int prompt =
        json(post(r.port(), "/v1/chat/completions", LONG)).at("/usage/prompt_tokens").asInt();
    HttpResponse<String> reset = post(r.port(), "/reset_prefix_cache", "");
    post(r.port(), "/v1/chat/completions", LONG);
    double hitsAfterReset = metrics(r).sum("vllm:prefix_cache_hits_total");
    post(r.port(), "/v1/chat/completions", LONG);

    assertThat(reset.statusCode()).isEqualTo(200);
    assertThat(json(reset).get("success").asBoolean()).isTrue();
    assertThat(hitsAfterReset).isZero(); // the repeat after the reset found nothing cached
    assertThat(metrics(r).sum("vllm:prefix_cache_hits_total")).isEqualTo(repeatHit(prompt));
    assertThat(SimHttp.get(r.port(), "/reset_prefix_cache").statusCode()).isEqualTo(405);
    HttpResponse<String> running =
        post(r.port(), "/reset_prefix_cache?reset_running_requests=true", "");
    assertThat(running.statusCode()).isEqualTo(400);
    assertThat(json(running).at("/error/message").asText()).contains("reset_running_requests=true");
  }
}
