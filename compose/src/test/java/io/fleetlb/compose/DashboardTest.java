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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

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
    Path config = Files.writeString(dir.resolve("prometheus.yml"), loopbackConfig());
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

  /**
   * compose/prometheus/sim.yml with targets re-addressed from compose service names to this
   * JVM's ports and a 1s interval; lb-queue-aware is not part of this stack, so its job goes.
   */
  private static String loopbackConfig() {
    Map<String, Object> root = Repo.yaml(Repo.compose("prometheus/sim.yml"));
    Map<String, Object> global = Repo.map(root.get("global"));
    global.put("scrape_interval", "1s");
    global.put("scrape_timeout", "1s");
    List<Object> jobs = new ArrayList<>(Repo.list(root.get("scrape_configs")));
    jobs.removeIf(j -> "lb-queue-aware".equals(Repo.map(j).get("job_name")));
    Map<String, String> addresses = new LinkedHashMap<>();
    stack.replicas.forEach((id, r) -> addresses.put(id + ":8000", "127.0.0.1:" + r.port()));
    addresses.put("lb-roundrobin:9090", "127.0.0.1:" + stack.router.adminPort());
    for (Object job : jobs) {
      for (Object sc : Repo.list(Repo.map(job).get("static_configs"))) {
        Map<String, Object> m = Repo.map(sc);
        m.put("targets", Repo.list(m.get("targets")).stream().map(t -> {
          String a = addresses.get(String.valueOf(t));
          if (a == null) {
            throw new AssertionError("prometheus/sim.yml target not in the sim stack: " + t);
          }
          return a;
        }).toList());
      }
    }
    root.put("scrape_configs", jobs);
    DumperOptions o = new DumperOptions();
    o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    return new Yaml(o).dump(root);
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
