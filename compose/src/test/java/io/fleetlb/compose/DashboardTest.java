package io.fleetlb.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetlb.prom.PrometheusText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboard against what the components really export: metric names scraped from a
 * running router and simulated replicas, and every panel's query evaluated by a real Prometheus
 * scraping them with compose/prometheus/sim.yml (re-addressed to loopback).
 */
class DashboardTest {
  /** Fields in dcgm-exporter's etc/default-counters.csv that the dashboard may rely on. */
  private static final Set<String> DCGM_DEFAULT_COUNTERS = Set.of("DCGM_FI_DEV_GPU_UTIL",
      "DCGM_FI_DEV_POWER_USAGE", "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", "DCGM_FI_DEV_FB_USED",
      "DCGM_FI_DEV_FB_FREE", "DCGM_FI_DEV_GPU_TEMP", "DCGM_FI_DEV_SM_CLOCK",
      "DCGM_FI_DEV_MEM_COPY_UTIL");

  private static LiveStack stack;

  @BeforeAll
  static void startStack() throws Exception {
    stack = LiveStack.start();
    // The router registers per-status request counters on first use: serve some traffic so
    // they exist before anything scrapes (as in any deployment that has served a request).
    stack.sendThroughRouter(1);
  }

  @AfterAll
  static void stopStack() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void everyMetricTheDashboardQueriesIsExported() throws Exception {
    Set<String> router = names(stack.router.adminUri() + "/metrics");
    Set<String> vllmV1 = names(url("llama70b-1", "/metrics"));
    Set<String> vllmV0 = names("http://127.0.0.1:" + stack.v0Replica.port() + "/metrics");
    Set<String> gpu = names(url("llama70b-1", "/gpu/metrics"));
    Set<String> names = Dashboard.load().metricNames();
    assertThat(names).as("the dashboard covers routers, replicas and GPUs")
        .anyMatch(n -> n.startsWith("lb_")).anyMatch(n -> n.startsWith("vllm:"))
        .anyMatch(n -> n.startsWith("DCGM_"));
    for (String n : names) {
      if (n.startsWith("lb_") || n.startsWith("process_")) {
        assertThat(router).as("router /metrics exports %s", n).contains(n);
      } else if (n.startsWith("vllm:")) {
        assertThat(vllmV1.contains(n) || vllmV0.contains(n))
            .as("vLLM (V1 %s or V0) exports %s", vllmV1.contains(n), n).isTrue();
      } else {
        assertThat(gpu).as("simulated DCGM exports %s", n).contains(n);
        assertThat(DCGM_DEFAULT_COUNTERS).as("dcgm-exporter exports %s by default", n).contains(n);
      }
    }
    // KV usage has one name per engine generation; the panel must read both.
    assertThat(names).contains("vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc");
    assertThat(vllmV1).contains("vllm:kv_cache_usage_perc");
    assertThat(vllmV0).contains("vllm:gpu_cache_usage_perc");
  }

  @Test
  void panelsAreWellFormedAndUseTheProvisionedDatasource() throws Exception {
    Dashboard d = Dashboard.load();
    Map<String, Object> ds = Repo.map(Repo.list(Repo.yaml(
        Repo.compose("grafana/provisioning/datasources/prometheus.yaml")).get("datasources")).get(0));
    assertThat(ds).containsEntry("url", "http://prometheus:9090").containsEntry("type", "prometheus");
    Map<String, Object> provider = Repo.map(Repo.list(Repo.yaml(
        Repo.compose("grafana/provisioning/dashboards/fleetlb.yaml")).get("providers")).get(0));
    assertThat(Repo.map(provider.get("options"))).containsEntry("path", "/etc/grafana/dashboards");
    Set<Integer> ids = new HashSet<>();
    d.root.path("panels").forEach(p -> assertThat(ids.add(p.path("id").asInt())).isTrue());
    assertThat(d.panels()).hasSizeGreaterThanOrEqualTo(12).allSatisfy(p -> {
      assertThat(p.path("datasource").path("uid").asText()).isEqualTo(ds.get("uid"));
      assertThat(p.path("targets").size()).isPositive();
      JsonNode g = p.path("gridPos");
      assertThat(g.path("x").asInt() + g.path("w").asInt()).isLessThanOrEqualTo(24);
    });
    assertThat(d.queries()).allSatisfy(q -> assertThat(q.expr()).isNotBlank());
  }

  @Test
  void everyPanelQueryReturnsDataFromARealPrometheus(@TempDir Path dir) throws Exception {
    Path binary = Tools.required("prometheus", "REQUIRE_PROMTOOL");
    // lb-queue-aware is not part of this stack, so its job goes.
    Path config = Files.writeString(dir.resolve("prometheus.yml"),
        LoopbackConfig.of("sim.yml", stackAddresses(), List.of("lb-queue-aware")));
    try (PrometheusServer prom = PrometheusServer.start(binary, config, dir)) {
      await().atMost(Duration.ofSeconds(60)).until(prom::ready);
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
          prom.api("/api/v1/targets").path("activeTargets")).hasSize(13)
          .allSatisfy(t -> assertThat(t.path("health").asText()).as(t.toString()).isEqualTo("up")));
      // Traffic after the first scrape, so rates and histograms have something to show.
      assertThat(stack.sendThroughRouter(4)).isSubsetOf(ReferenceFleet.ids()).hasSize(12);
      Dashboard d = Dashboard.load();
      Map<String, JsonNode> results = new LinkedHashMap<>();
      await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
        for (Dashboard.Query q : d.queries()) {
          JsonNode r = prom.query(q.resolved());
          assertThat(r).as("%s: %s", q.panel(), q.resolved()).isNotEmpty();
          results.put(q.expr(), r);
        }
        assertThat(sum(prom.query("sum(rate(lb_requests_total[1m]))"))).isPositive();
        assertThat(sum(prom.query("sum(rate(vllm:generation_tokens_total[1m]))"))).isPositive();
      });
      for (Dashboard.Query q : d.queries()) {
        for (JsonNode series : results.get(q.expr())) {
          String replica = series.path("metric").path("replica").asText(null);
          if (replica != null) {
            assertThat(ReferenceFleet.ids()).as("%s: replica label", q.panel()).contains(replica);
          }
        }
      }
      assertThat(labelValues(prom, "replica", "vllm:num_requests_running"))
          .containsExactlyInAnyOrderElementsOf(ReferenceFleet.ids());
      assertThat(labelValues(prom, "replica", "DCGM_FI_DEV_GPU_UTIL"))
          .containsExactlyInAnyOrderElementsOf(ReferenceFleet.ids());
      assertThat(labelValues(prom, "job", "lb_router_info")).containsExactly("lb-roundrobin");
    }
  }

  @Test
  void dcgmSeriesGetTheirReplicaFromTheGpuTheyRunOn(@TempDir Path dir) throws Exception {
    // prometheus/baseline.yml as written, with a node-wide DCGM page from the six simulated GPUs
    // (gpu="0".."5" in fleet order): the relabelling must name the replica of each GPU.
    Path binary = Tools.required("prometheus", "REQUIRE_PROMTOOL");
    List<Callable<String>> pages = new ArrayList<>();
    stack.replicas.keySet().forEach(id -> pages.add(() -> stack.get(url(id, "/gpu/metrics"))));
    ComposeFile baseline = ComposeFile.load("baseline");
    try (NodeDcgmEndpoint dcgm = new NodeDcgmEndpoint(pages)) {
      Map<String, String> addresses = stackAddresses();
      addresses.put("dcgm-exporter:9400", "127.0.0.1:" + dcgm.port());
      Path config = Files.writeString(dir.resolve("prometheus.yml"),
          LoopbackConfig.of("baseline.yml", addresses, List.of("lb-queue-aware")));
      try (PrometheusServer prom = PrometheusServer.start(binary, config, dir)) {
        await().atMost(Duration.ofSeconds(60)).until(prom::ready);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
          JsonNode util = prom.query("DCGM_FI_DEV_GPU_UTIL{job=\"dcgm\"}");
          assertThat(util).hasSize(6);
          for (JsonNode series : util) {
            String gpu = series.path("metric").path("gpu").asText();
            String replica = series.path("metric").path("replica").asText();
            assertThat(baseline.service(replica).gpuIds()).as("gpu %s", gpu).containsExactly(gpu);
          }
        });
      }
    }
  }

  /** compose service:port -> this JVM's address, for the sim stack's replicas and router. */
  private static Map<String, String> stackAddresses() {
    Map<String, String> addresses = new LinkedHashMap<>();
    stack.replicas.forEach((id, r) -> addresses.put(id + ":8000", "127.0.0.1:" + r.port()));
    addresses.put("lb-roundrobin:9090", "127.0.0.1:" + stack.router.adminPort());
    return addresses;
  }

  private static Set<String> labelValues(PrometheusServer prom, String label, String metric)
      throws Exception {
    Set<String> out = new TreeSet<>();
    prom.api("/api/v1/label/" + label + "/values?match%5B%5D="
        + java.net.URLEncoder.encode(metric, java.nio.charset.StandardCharsets.UTF_8))
        .forEach(v -> out.add(v.asText()));
    return out;
  }

  private static double sum(JsonNode vector) {
    double s = 0;
    for (JsonNode series : vector) {
      s += Double.parseDouble(series.path("value").get(1).asText());
    }
    return s;
  }

  private static String url(String replica, String path) {
    return "http://127.0.0.1:" + stack.replicas.get(replica).port() + path;
  }

  private static Set<String> names(String url) throws Exception {
    return new TreeSet<>(PrometheusText.parse(stack.get(url)).sampleNames());
  }
}
