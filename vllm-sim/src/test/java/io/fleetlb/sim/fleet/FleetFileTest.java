package io.fleetlb.sim.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetlb.sim.engine.MetricsVersion;
import io.fleetlb.sim.replica.ReplicaOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FleetFileTest {

  @TempDir Path dir;

  @Test
  void theShippedReferenceFleetIsTheDesignLayout() {
    List<ReplicaOptions> fleet = FleetFile.load(Path.of("fleet-6.yaml"));
    assertThat(fleet)
        .extracting(ReplicaOptions::id)
        .containsExactly(
            "llama8b-1", "llama8b-2", "qwen7b-1", "qwen7b-2", "llama70b-1", "llama70b-2");
    assertThat(fleet)
        .extracting(ReplicaOptions::port)
        .containsExactly(8001, 8002, 8003, 8004, 8005, 8006);
    assertThat(fleet)
        .extracting(o -> o.profile().id())
        .containsExactly(
            "llama-3.1-8b-h100",
            "llama-3.1-8b-h100",
            "qwen2.5-7b-h100",
            "qwen2.5-7b-h100",
            "llama-3.3-70b-awq-h100",
            "llama-3.3-70b-awq-h100");
    assertThat(fleet)
        .extracting(ReplicaOptions::model)
        .containsExactly(
            "meta-llama/Llama-3.1-8B-Instruct", "meta-llama/Llama-3.1-8B-Instruct",
            "Qwen/Qwen2.5-7B-Instruct", "Qwen/Qwen2.5-7B-Instruct",
            "meta-llama/Llama-3.3-70B-Instruct", "meta-llama/Llama-3.3-70B-Instruct");
    assertThat(fleet).extracting(ReplicaOptions::gpuIndex).containsExactly(0, 1, 2, 3, 4, 5);
    assertThat(fleet).extracting(ReplicaOptions::seed).doesNotHaveDuplicates();
  }

  @Test
  void defaultsApplyAndReplicasOverrideThem() throws Exception {
    Path f =
        write(
            """
            defaults: { time-scale: 4, metrics-version: v0, slowdown: 1.5, startup-delay: 250ms }
            replicas:
              - { model: a, port: 9001 }
              - { model: b, port: 9002, slowdown: 3, max-num-seqs: 8, keep-alive-timeout: 1s }
            """);
    List<ReplicaOptions> fleet = FleetFile.load(f);
    assertThat(fleet.get(0).timeScale()).isEqualTo(4.0);
    assertThat(fleet.get(0).metricsVersion()).isEqualTo(MetricsVersion.V0);
    assertThat(fleet.get(0).slowdown()).isEqualTo(1.5);
    assertThat(fleet.get(0).startupDelay()).isEqualTo(Duration.ofMillis(250));
    assertThat(fleet.get(0).id()).isEqualTo("replica-1");
    assertThat(fleet.get(1).slowdown()).isEqualTo(3.0);
    assertThat(fleet.get(1).maxNumSeqs()).isEqualTo(8);
    assertThat(fleet.get(1).keepAliveTimeout()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void errorsNameTheFileTheFieldAndTheValue() throws Exception {
    assertError("replicas: [ { model: a, prot: 1 } ]", "f.yaml: replicas[0]: unknown key 'prot'");
    assertError(
        "replicas: [ { model: a, port: abc } ]",
        "f.yaml: replicas[0].port: expected an integer, got 'abc'");
    assertError("replicas: [ { port: 1 } ]", "f.yaml: replicas[0].model: required");
    assertError(
        "replicas: [ { model: a, profile: gpt } ]", "replicas[0].profile: unknown profile 'gpt'");
    assertError(
        "replicas: [ { model: a, id: x }, { model: b, id: x } ]",
        "replicas[1].id: duplicate id 'x'");
    assertError(
        "replicas: [ { model: a, port: 5 }, { model: b, port: 5 } ]",
        "replicas[1].port: duplicate port 5");
    assertError(
        "replicas: [ { model: a, time-scale: -2 } ]", "replicas[0]: invalid time-scale: -2.0");
    assertError(
        "replicas: [ { model: a, startup-delay: soon } ]",
        "\"soon\" is not a duration (use a number and a unit: 250ms, 5s, 2m, 1h)");
    assertError(
        "defaults: { colour: red }\nreplicas: [ { model: a } ]",
        "f.yaml: defaults: unknown key 'colour'");
    assertError("replicas: []", "'replicas' must be a non-empty list");
    assertError("fleet: 1", "unknown key 'fleet'");
    assertThatThrownBy(() -> FleetFile.load(dir.resolve("missing.yaml")))
        .hasMessageContaining("cannot read");
  }

  private void assertError(String yaml, String message) throws Exception {
    Path f = dir.resolve("f.yaml");
    Files.writeString(f, yaml);
    assertThatThrownBy(() -> FleetFile.load(f))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  private Path write(String yaml) throws Exception {
    Path f = dir.resolve("fleet.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  @Test
  void prefixCachingFollowsTheVersionUnlessTheFileSaysOtherwise() throws Exception {
    Path f = dir.resolve("fleet.yaml");
    Files.writeString(
        f,
        """
        defaults: { enable-prefix-caching: false, enable-prompt-tokens-details: true }
        replicas:
          - { model: m1 }
          - { model: m2, enable-prefix-caching: true }
        """);
    List<ReplicaOptions> fleet = FleetFile.load(f);
    assertThat(fleet).extracting(ReplicaOptions::prefixCaching).containsExactly(false, true);
    assertThat(fleet).allMatch(ReplicaOptions::enablePromptTokensDetails);
    assertThat(ReplicaOptions.builder("m").build().prefixCaching()).isTrue();
    assertThat(
            ReplicaOptions.builder("m").metricsVersion(MetricsVersion.V0).build().prefixCaching())
        .isFalse();

    Files.writeString(f, "replicas:\n  - { model: m1, enable-prefix-caching: yes please }\n");
    assertThatThrownBy(() -> FleetFile.load(f))
        .hasMessage(
            "fleet.yaml: replicas[0].enable-prefix-caching: expected true or false, got 'yes"
                + " please'");
  }
}
