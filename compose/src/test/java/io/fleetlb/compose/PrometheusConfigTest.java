package io.fleetlb.compose;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetlb.compose.ReferenceFleet.Replica;
import io.fleetlb.lb.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** compose/prometheus/*.yml: valid for Prometheus, and scraping exactly what compose runs. */
class PrometheusConfigTest {

  @ParameterizedTest
  @ValueSource(strings = {"baseline", "managed", "sim"})
  void promtoolAcceptsTheConfig(String name) throws Exception {
    Path promtool = Tools.required("promtool", "REQUIRE_PROMTOOL");
    Tools.Result r = Tools.run(Duration.ofSeconds(60), promtool.toString(), "check", "config",
        Repo.compose("prometheus/" + name + ".yml").toString());
    assertThat(r.exitCode()).as(r.output()).isZero();
  }

  @Test
  void promtoolRejectsABrokenCopy(@TempDir Path dir) throws Exception {
    // The check above can fail: a timeout longer than the interval is refused.
    Path promtool = Tools.required("promtool", "REQUIRE_PROMTOOL");
    Path broken = dir.resolve("broken.yml");
    Files.writeString(broken, Repo.read(Repo.compose("prometheus/sim.yml"))
        .replace("scrape_timeout: 4s", "scrape_timeout: 9s"));
    Tools.Result r = Tools.run(Duration.ofSeconds(60), promtool.toString(), "check", "config",
        broken.toString());
    assertThat(r.exitCode()).as(r.output()).isNotZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"baseline", "managed", "sim"})
  void routerJobsScrapeEachRoutersAdminListener(String name) {
    Map<String, Map<String, Object>> jobs = jobs(name);
    ComposeFile file = ComposeFile.load(name);
    for (RouterServices r : RouterServices.BOTH) {
      int admin = ConfigLoader.create().load(Repo.compose(r.config())).admin().port();
      assertThat(file.services).containsKey(r.service());
      assertThat(targets(jobs.get(r.service()))).as("%s job %s", name, r.service())
          .containsExactly(Map.entry(r.service() + ":" + admin, Map.of()));
      assertThat(jobs.get(r.service())).doesNotContainKey("metrics_path");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"baseline", "managed", "sim"})
  void vllmJobScrapesEveryReplicaLabelledWithItsId(String name) {
    ComposeFile file = ComposeFile.load(name);
    Map<String, Map<String, Object>> expected = new LinkedHashMap<>();
    for (Replica r : ReferenceFleet.REPLICAS) {
      String port = file.service(r.id()).arg("--port").orElseThrow();
      expected.put(r.id() + ":" + port, Map.of("replica", r.id()));
    }
    Map<String, Object> vllm = jobs(name).get("vllm");
    assertThat(targets(vllm)).isEqualTo(expected);
    assertThat(vllm).doesNotContainKey("metrics_path");
  }

  @ParameterizedTest
  @ValueSource(strings = {"baseline", "managed"})
  void dcgmSeriesAreLabelledWithTheReplicaOwningEachGpu(String name) {
    ComposeFile file = ComposeFile.load(name);
    Map<String, Object> dcgm = jobs(name).get("dcgm");
    assertThat(targets(dcgm)).containsOnlyKeys("dcgm-exporter:9400");
    assertThat(file.service("dcgm-exporter").published(9400)).isPresent();
    Map<String, String> gpuToReplica = new LinkedHashMap<>();
    for (Object rule : Repo.list(dcgm.get("metric_relabel_configs"))) {
      Map<String, Object> m = Repo.map(rule);
      assertThat(m.get("source_labels")).isEqualTo(List.of("gpu"));
      assertThat(m.get("target_label")).isEqualTo("replica");
      gpuToReplica.put(String.valueOf(m.get("regex")), String.valueOf(m.get("replacement")));
    }
    Map<String, String> fromCompose = ReferenceFleet.ids().stream().collect(Collectors.toMap(
        id -> file.service(id).gpuIds().get(0), id -> id));
    assertThat(gpuToReplica).isEqualTo(fromCompose);
  }

  @Test
  void simulatedGpuTelemetryComesFromEachReplica() {
    Map<String, Object> dcgm = jobs("sim").get("dcgm");
    assertThat(dcgm).containsEntry("metrics_path", "/gpu/metrics");
    Map<String, Map<String, Object>> expected = new LinkedHashMap<>();
    ReferenceFleet.ids().forEach(id -> expected.put(id + ":8000", Map.of("replica", id)));
    assertThat(targets(dcgm)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"baseline", "managed", "sim"})
  void onlyTheseJobs(String name) {
    assertThat(jobs(name)).containsOnlyKeys("lb-roundrobin", "lb-queue-aware", "vllm", "dcgm");
  }

  /** job_name -> job, from compose/prometheus/NAME.yml. */
  static Map<String, Map<String, Object>> jobs(String name) {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    Map<String, Object> root = Repo.yaml(Repo.compose("prometheus/" + name + ".yml"));
    for (Object job : Repo.list(root.get("scrape_configs"))) {
      Map<String, Object> j = Repo.map(job);
      out.put(String.valueOf(j.get("job_name")), j);
    }
    return out;
  }

  /** target -> its static labels, over all static_configs of a job. */
  static Map<String, Map<String, Object>> targets(Map<String, Object> job) {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    for (Object sc : Repo.list(job.get("static_configs"))) {
      Map<String, Object> m = Repo.map(sc);
      for (Object t : Repo.list(m.get("targets"))) {
        out.put(String.valueOf(t), Repo.map(m.get("labels")));
      }
    }
    return out;
  }
}
