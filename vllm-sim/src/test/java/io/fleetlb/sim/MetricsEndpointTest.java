package io.fleetlb.sim;

import static io.fleetlb.sim.SimHttp.chat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetlb.prom.MetricsSnapshot;
import io.fleetlb.prom.PrometheusText;
import io.fleetlb.prom.Sample;
import io.fleetlb.sim.engine.MetricsVersion;
import io.fleetlb.sim.replica.ReplicaOptions;
import io.vertx.core.Vertx;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /metrics} and {@code /gpu/metrics}: vLLM's names and labels, values that follow the
 * engine.
 */
class MetricsEndpointTest {

  static final String MODEL = "meta-llama/Llama-3.3-70B-Instruct";
  Vertx vertx;
  final List<SimReplica> replicas = new ArrayList<>();
  final List<Socket> clients = new ArrayList<>();

  @BeforeEach
  void vertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    for (Socket s : clients) {
      s.close();
    }
    for (SimReplica r : replicas) {
      r.close().await(5, TimeUnit.SECONDS);
    }
    vertx.close().await(5, TimeUnit.SECONDS);
  }

  private SimReplica start(ReplicaOptions.Builder b) throws Exception {
    SimReplica r = SimReplica.start(vertx, b.build()).await(10, TimeUnit.SECONDS);
    replicas.add(r);
    return r;
  }

  private static MetricsSnapshot scrape(SimReplica r, String path) throws Exception {
    var resp = SimHttp.get(r.port(), path);
    assertThat(resp.headers().firstValue("content-type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    return PrometheusText.parse(resp.body());
  }

  private static Set<String> vllmFamilies(MetricsSnapshot s) {
    return s.samples().stream()
        .map(Sample::name)
        .filter(n -> n.startsWith("vllm:"))
        .map(n -> n.replaceAll("_(bucket|sum|count)$", ""))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static String capture(String name) throws Exception {
    try (InputStream in = MetricsEndpointTest.class.getResourceAsStream("/captures/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void v1ExpositionHasTheRealV1FamiliesAndLabels() throws Exception {
    MetricsSnapshot ours = scrape(start(ReplicaOptions.builder(MODEL)), "/metrics");
    MetricsSnapshot real = PrometheusText.parse(capture("vllm-metrics-v1.txt"));
    Set<String> expected = vllmFamilies(real);
    // v0.11 hides the deprecated gpu_* names and adds the inter-token and per-request TPOT
    // histograms.
    expected.removeIf(n -> n.startsWith("vllm:gpu_"));
    expected.addAll(
        Set.of(
            "vllm:inter_token_latency_seconds",
            "vllm:inter_token_latency_seconds_created",
            "vllm:request_time_per_output_token_seconds",
            "vllm:request_time_per_output_token_seconds_created"));
    assertThat(vllmFamilies(ours)).isEqualTo(expected);
    for (Sample s : ours.samples()) {
      if (s.name().startsWith("vllm:") && !s.name().equals("vllm:cache_config_info")) {
        assertThat(s.labels().get("engine")).as(s.toString()).isEqualTo("0");
        assertThat(s.labels().get("model_name")).as(s.toString()).isEqualTo(MODEL);
      }
    }
    assertThat(ours.samples("vllm:request_success_total"))
        .extracting(s -> s.labels().get("finished_reason"))
        .containsExactly("stop", "length", "abort");
    assertThat(ours.samples("vllm:cache_config_info").get(0).labels().get("num_gpu_blocks"))
        .isEqualTo("6400");
    assertThat(ours.has("process_resident_memory_bytes")).isTrue();
  }

  @Test
  void v0ExpositionHasTheLegacySet() throws Exception {
    SimReplica r = start(ReplicaOptions.builder(MODEL).metricsVersion(MetricsVersion.V0));
    SimHttp.post(r.port(), "/v1/chat/completions", chat(MODEL, 3, "\"max_tokens\":2"));
    String text = SimHttp.get(r.port(), "/metrics").body();
    MetricsSnapshot s = PrometheusText.parse(text);
    for (String name :
        List.of(
            "vllm:num_requests_swapped",
            "vllm:gpu_cache_usage_perc",
            "vllm:cpu_cache_usage_perc",
            "vllm:gpu_prefix_cache_hit_rate",
            "vllm:lora_requests_info",
            "vllm:tokens_total")) {
      assertThat(s.has(name)).as(name).isTrue();
    }
    assertThat(s.sum("vllm:gpu_prefix_cache_hit_rate")).isEqualTo(-1.0);
    assertThat(s.has("vllm:kv_cache_usage_perc")).isFalse();
    assertThat(text)
        .doesNotContain("engine=")
        .doesNotContain("_created")
        .doesNotContain("process_");
    // Multiprocess V0 prints _sum before the buckets.
    assertThat(text.indexOf("vllm:time_to_first_token_seconds_sum"))
        .isLessThan(text.indexOf("vllm:time_to_first_token_seconds_bucket"));
    assertThat(s.samples("vllm:request_success_total"))
        .extracting(x -> x.labels().get("finished_reason"))
        .containsExactly("length");
  }

  @Test
  void gaugesAndCountersFollowTheEngine() throws Exception {
    SimReplica r = start(ReplicaOptions.builder(MODEL).timeScale(4));
    for (int i = 0; i < 20; i++) {
      clients.add(
          SimHttp.open(
              r.port(),
              chat(MODEL, 1500, "\"stream\":true,\"max_tokens\":20000,\"ignore_eos\":true")));
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              MetricsSnapshot s = scrape(r, "/metrics");
              assertThat(s.sum("vllm:num_requests_running") + s.sum("vllm:num_requests_waiting"))
                  .isEqualTo(20);
              assertThat(s.sum("vllm:kv_cache_usage_perc")).isGreaterThan(0.25);
              assertThat(s.sum("vllm:time_to_first_token_seconds_count")).isEqualTo(20);
              assertThat(s.sum("vllm:prompt_tokens_total")).isEqualTo(20 * 1510);
            });
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              // busy, not how busy: late wake-ups of a loaded machine leave gaps in the engine's
              // timeline
              // (DcgmMetricsTest checks a saturated engine's level on the virtual clock)
              MetricsSnapshot g = scrape(r, "/gpu/metrics");
              assertThat(g.sum("DCGM_FI_DEV_GPU_UTIL")).isGreaterThan(0);
              assertThat(g.sum("DCGM_FI_DEV_POWER_USAGE")).isGreaterThan(72.0);
            });
    MetricsSnapshot gpu = scrape(r, "/gpu/metrics");
    assertThat(gpu.samples("DCGM_FI_DEV_GPU_UTIL").get(0).labels().get("Hostname"))
        .isEqualTo("replica");
    double energy = gpu.sum("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION");
    for (Socket s : clients) {
      s.close();
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              MetricsSnapshot s = scrape(r, "/metrics");
              assertThat(s.sum("vllm:num_requests_running")).isZero();
              assertThat(s.sum("vllm:kv_cache_usage_perc")).isZero();
              assertThat(s.sumOf("vllm:request_success_total", "finished_reason", "abort"))
                  .hasValue(20);
            });
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              MetricsSnapshot g = scrape(r, "/gpu/metrics");
              assertThat(g.sum("DCGM_FI_DEV_GPU_UTIL")).isZero();
              assertThat(g.sum("DCGM_FI_DEV_POWER_USAGE")).isEqualTo(72.0);
              assertThat(g.sum("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION")).isGreaterThan(energy);
            });
  }

  @Test
  void promtoolFindsNothingBeyondWhatRealVllmTriggers() throws Exception {
    SimReplica v1 = start(ReplicaOptions.builder(MODEL));
    SimReplica v0 = start(ReplicaOptions.builder(MODEL).metricsVersion(MetricsVersion.V0));
    SimHttp.post(v1.port(), "/v1/chat/completions", chat(MODEL, 3, "\"max_tokens\":2"));
    SimHttp.post(v0.port(), "/v1/chat/completions", chat(MODEL, 3, "\"max_tokens\":2"));
    // The real V1 capture itself yields the first two kinds of lint (see its promtool output); V0's
    // deprecated vllm:avg_*_throughput_toks_per_s gauges add the third in real vLLM as well.
    Set<String> allowed =
        Set.of(
            "metric names should not contain ':'",
            "non-counter metrics should not have \"_total\" suffix",
            "metric names should not contain abbreviated units");
    for (SimReplica r : List.of(v1, v0)) {
      List<String> problems = Promtool.checkMetrics(SimHttp.get(r.port(), "/metrics").body());
      assertThat(problems)
          .allSatisfy(p -> assertThat(allowed).anySatisfy(a -> assertThat(p).endsWith(a)));
    }
    assertThat(Promtool.checkMetrics(capture("vllm-metrics-v1.txt") + "\n"))
        .anySatisfy(p -> assertThat(p).endsWith("metric names should not contain ':'"));
  }
}
