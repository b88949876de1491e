package io.fleetlb.compose;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Routers, monitoring and variables across the compose files. */
class DeploymentWiringTest {

  @Test
  void everyDeploymentFileParses() throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(Repo.compose(""))) {
      files = walk.filter(Files::isRegularFile)
          .filter(p -> !p.startsWith(Repo.compose("target")) && !p.startsWith(Repo.compose("src")))
          .filter(p -> p.toString().matches(".*\\.(ya?ml|json)$")).toList();
    }
    assertThat(files).hasSize(11);
    for (Path f : files) {
      if (f.toString().endsWith(".json")) {
        assertThat(new ObjectMapper().readTree(f.toFile()).isObject()).as(f.toString()).isTrue();
      } else {
        assertThat(Repo.yaml(f)).as(f.toString()).isNotEmpty();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"baseline", "managed", "sim"})
  void routersPublishTheApiAndKeepAdminOnLoopback(String name) {
    ComposeFile file = ComposeFile.load(name);
    List<RouterServices> defaults = RouterServices.BY_FILE.get(name);
    for (RouterServices r : RouterServices.BOTH) {
      Service s = file.service(r.service());
      assertThat(s.profiles()).as("%s %s profiles", file, r.service())
          .isEqualTo(defaults.contains(r) ? List.of() : List.of("ab"));
      assertThat(s.image()).isEqualTo("fleetlb/" + r.service() + ":dev");
      assertThat(s.build()).containsEntry("target", r.service());
      assertThat(s.command()).containsExactly("--config", RouterServices.CONFIG_IN_CONTAINER);
      assertThat(s.mountSource(RouterServices.CONFIG_IN_CONTAINER)).contains("./" + r.config());
      assertThat(s.ports()).as("%s %s ports", file, r.service()).containsExactly(
          new Service.Port("0.0.0.0", r.listenPort(), r.listenPort()),
          new Service.Port("127.0.0.1", r.adminPort(), r.adminPort()));
      assertThat(String.valueOf(s.healthcheck().get("test")))
          .contains("http://127.0.0.1:" + r.listenPort() + "/health");
      // Starting before the replicas answer /health would fail every early request.
      assertThat(s.dependsOn()).as("%s %s waits for every replica", file, r.service())
          .containsOnlyKeys(ReferenceFleet.ids())
          .allSatisfy((k, v) -> assertThat(v).isEqualTo("service_healthy"));
      assertThat(ComposeDurations.parse(String.valueOf(s.spec().get("stop_grace_period"))))
          .as("time to drain (drain.timeout 30s)").isGreaterThan(java.time.Duration.ofSeconds(30));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"baseline", "managed", "sim"})
  void monitoringReadsThisDeploymentsConfig(String name) {
    ComposeFile file = ComposeFile.load(name);
    Service prometheus = file.service("prometheus");
    assertThat(prometheus.mountSource("/etc/prometheus/prometheus.yml"))
        .contains("./prometheus/" + name + ".yml");
    assertThat(prometheus.ports()).containsExactly(new Service.Port("127.0.0.1", 9092, 9090));
    Service grafana = file.service("grafana");
    assertThat(grafana.mountSource("/etc/grafana/provisioning")).contains("./grafana/provisioning");
    assertThat(grafana.mountSource("/etc/grafana/dashboards")).contains("./grafana/dashboards");
    assertThat(grafana.ports()).containsExactly(new Service.Port("127.0.0.1", 3000, 3000));
    String home = grafana.environment().get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH");
    assertThat(Repo.compose("grafana/dashboards").resolve(Path.of(home).getFileName())).exists();
    if (name.equals("sim")) {
      assertThat(file.services).doesNotContainKey("dcgm-exporter");
    } else {
      Service dcgm = file.service("dcgm-exporter");
      assertThat(dcgm.profiles()).containsExactly("telemetry");
      assertThat(dcgm.image()).startsWith("nvcr.io/nvidia/k8s/dcgm-exporter:");
      assertThat(dcgm.ports()).containsExactly(new Service.Port("127.0.0.1", 9400, 9400));
      assertThat(dcgm.devices()).singleElement()
          .satisfies(d -> assertThat(Repo.map(d)).containsEntry("count", "all"));
    }
    Set<String> expected = new TreeSet<>(ReferenceFleet.ids());
    RouterServices.BY_FILE.get(name).forEach(r -> expected.add(r.service()));
    expected.addAll(List.of("prometheus", "grafana"));
    assertThat(file.defaultServices().stream().map(Service::name).collect(Collectors.toSet()))
        .as("%s services without a profile", file).isEqualTo(expected);
  }

  @Test
  void benchRunsFromAContainerOnDemand() {
    for (String name : ComposeFile.NAMES) {
      Service bench = ComposeFile.load(name).service("bench");
      assertThat(bench.profiles()).containsExactly("bench");
      assertThat(bench.build()).containsEntry("target", "bench");
      assertThat(bench.mountSource("/results")).contains("../results");
    }
  }

  @Test
  void envExampleDeclaresExactlyTheVariablesTheFilesUse() {
    Set<String> used = new TreeSet<>();
    for (String name : ComposeFile.NAMES) {
      used.addAll(ComposeFile.load(name).usedVariables);
    }
    assertThat(new TreeSet<>(EnvExample.values().keySet())).isEqualTo(used);
    assertThat(Repo.read(Repo.compose(".gitignore")).lines()).contains(".env");
  }

  @Test
  void envExampleRepeatsEveryDefault() {
    // Loading with only the token must give the same deployment as the documented example, so
    // the example is a true description of what runs without a .env file.
    for (String name : ComposeFile.NAMES) {
      Map<String, String> tokenOnly = Map.of("HF_TOKEN", EnvExample.values().get("HF_TOKEN"));
      assertThat(ComposeFile.load(name, tokenOnly).root).as(name)
          .isEqualTo(ComposeFile.load(name).root);
    }
  }
}
