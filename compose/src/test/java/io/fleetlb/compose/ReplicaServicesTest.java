package io.fleetlb.compose;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetlb.compose.ReferenceFleet.Replica;
import io.fleetlb.sim.fleet.FleetFile;
import io.fleetlb.sim.replica.ReplicaOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The six replica services of each compose file against DESIGN.md's reference deployment. */
class ReplicaServicesTest {
  private static final String HF_CACHE = "/root/.cache/huggingface";

  @ParameterizedTest
  @ValueSource(strings = {"baseline", "managed", "sim"})
  void replicasFollowTheReferenceLayout(String name) {
    ComposeFile file = ComposeFile.load(name);
    for (Replica r : ReferenceFleet.REPLICAS) {
      Service s = file.service(r.id());
      assertThat(s.profiles()).as("%s %s runs by default", file, r.id()).isEmpty();
      assertThat(s.ports()).as("%s %s ports", file, r.id())
          .containsExactly(new Service.Port("0.0.0.0", r.hostPort(), 8000));
      assertThat(s.arg("--port")).as("%s %s listens on 8000", file, r.id()).contains("8000");
      assertThat(s.arg("--host")).as("%s %s binds all interfaces", file, r.id()).contains("0.0.0.0");
    }
    List<Integer> ports = file.hostPorts();
    assertThat(new HashSet<>(ports)).as("%s host ports are unique", file).hasSize(ports.size());
  }

  @ParameterizedTest
  @ValueSource(strings = {"baseline", "managed"})
  void everyGpuBelongsToExactlyOneReplica(String name) {
    ComposeFile file = ComposeFile.load(name);
    List<String> ids = new ArrayList<>();
    file.services.values().forEach(s -> ids.addAll(s.gpuIds()));
    assertThat(ids).as("%s device ids", file).containsExactlyInAnyOrder("0", "1", "2", "3", "4", "5");
    for (Replica r : ReferenceFleet.REPLICAS) {
      assertThat(file.service(r.id()).gpuIds()).as("%s %s GPU", file, r.id())
          .containsExactly(Integer.toString(r.gpu()));
      assertThat(file.service(r.id()).devices()).singleElement()
          .satisfies(d -> assertThat(Repo.map(d)).containsEntry("driver", "nvidia")
              .containsEntry("capabilities", List.of("gpu")));
    }
  }

  @Test
  void simulatedFleetUsesNoGpu() {
    ComposeFile sim = ComposeFile.load("sim");
    assertThat(sim.services.values()).allSatisfy(s -> assertThat(s.devices()).isEmpty());
    assertThat(sim.requiredVariables).as("sim.yml needs no HF token").isEmpty();
  }

  @Test
  void baselineRunsStockVllmWithPrefixCaching() {
    ComposeFile file = ComposeFile.load("baseline", Map.of("HF_TOKEN", "hf_test"));
    for (Replica r : ReferenceFleet.REPLICAS) {
      Service s = file.service(r.id());
      assertThat(s.image()).isEqualTo("vllm/vllm-openai:v0.6.4.post1");
      assertThat(s.entrypoint()).as("the image's own api_server entrypoint").isEmpty();
      assertThat(s.arg("--model")).as("checkpoint").isPresent();
      assertThat(s.command()).contains("--enable-prefix-caching")
          .doesNotContain("--no-enable-prefix-caching");
      assertServedLikeDesign(file, s, r, checkpoint(s));
    }
  }

  @Test
  void managedRunsKvcachedWithTheSameModels() {
    ComposeFile managed = ComposeFile.load("managed", Map.of("HF_TOKEN", "hf_test"));
    ComposeFile baseline = ComposeFile.load("baseline", Map.of("HF_TOKEN", "hf_test"));
    Set<String> ipcNames = new HashSet<>();
    for (Replica r : ReferenceFleet.REPLICAS) {
      Service s = managed.service(r.id());
      assertThat(s.image()).isEqualTo("ghcr.io/ovg-project/kvcached-vllm:latest");
      assertThat(s.entrypoint()).containsExactly("vllm", "serve");
      assertThat(s.environment()).containsEntry("ENABLE_KVCACHED", "true");
      // KVCached maps the KV cache itself; vLLM's prefix cache must be off for it.
      assertThat(s.command()).contains("--no-enable-prefix-caching")
          .doesNotContain("--enable-prefix-caching", "--model");
      assertThat(ipcNames.add(s.environment().get("KVCACHED_IPC_NAME")))
          .as("%s has its own KVCached shared-memory name", r.id()).isTrue();
      assertServedLikeDesign(managed, s, r, checkpoint(s));
      Service b = baseline.service(r.id());
      assertThat(checkpoint(s)).as("same checkpoint as baseline").isEqualTo(checkpoint(b));
      for (String flag : List.of("--quantization", "--max-model-len", "--served-model-name",
          "--gpu-memory-utilization")) {
        assertThat(s.arg(flag)).as("%s %s as in baseline", r.id(), flag).isEqualTo(b.arg(flag));
      }
    }
  }

  @Test
  void simReplicasAreTheSimulatorsReferenceFleet() {
    Map<String, ReplicaOptions> fleet = FleetFile.load(Repo.path("vllm-sim/fleet-6.yaml")).stream()
        .collect(Collectors.toMap(ReplicaOptions::id, Function.identity()));
    assertThat(fleet.keySet()).containsExactlyInAnyOrderElementsOf(ReferenceFleet.ids());
    ComposeFile sim = ComposeFile.load("sim");
    for (Replica r : ReferenceFleet.REPLICAS) {
      Service s = sim.service(r.id());
      ReplicaOptions o = fleet.get(r.id());
      assertThat(s.image()).isEqualTo("fleetlb/vllm-sim:dev");
      assertThat(s.build()).containsEntry("target", "vllm-sim");
      assertThat(s.arg("--model")).contains(r.model()).contains(o.model());
      assertThat(s.arg("--id")).contains(r.id());
      assertThat(s.arg("--profile")).contains(o.profile().id());
      assertThat(s.arg("--seed")).as("seed as in fleet-6.yaml").contains(Long.toString(o.seed()));
      assertThat(s.arg("--metrics-version")).contains("v1");
      assertThat(o.port()).as("fleet-6.yaml port = published port").isEqualTo(r.hostPort());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"baseline", "managed"})
  void replicasShareTheWeightCacheAndTheTokenFromEnv(String name) {
    ComposeFile file = ComposeFile.load(name);
    assertThat(file.requiredVariables).containsExactly("HF_TOKEN");
    Set<String> sources = new HashSet<>();
    for (Replica r : ReferenceFleet.REPLICAS) {
      Service s = file.service(r.id());
      assertThat(s.environment()).containsEntry("HF_TOKEN", EnvExample.values().get("HF_TOKEN"));
      sources.add(s.mountSource(HF_CACHE).orElseThrow(() -> new AssertionError(
          file + " " + r.id() + " does not mount the weight cache at " + HF_CACHE)));
      Map<String, Object> health = s.healthcheck();
      assertThat(String.valueOf(health.get("test"))).contains("http://127.0.0.1:8000/health");
      assertThat(ComposeDurations.parse(String.valueOf(health.get("start_period"))))
          .as("model loading takes minutes").isGreaterThanOrEqualTo(Duration.ofMinutes(10));
    }
    assertThat(sources).as("one cache for all replicas").containsExactly("hf-cache");
    assertThat(Repo.map(Repo.map(file.root.get("volumes")).get("hf-cache")))
        .as("a fixed volume name shared by both arms").containsEntry("name", "fleetlb-hf-cache");
  }

  /** The checkpoint a vLLM service loads: {@code --model X} or {@code vllm serve X}. */
  static String checkpoint(Service s) {
    return s.arg("--model").orElseGet(() -> s.command().get(0));
  }

  private static void assertServedLikeDesign(ComposeFile file, Service s, Replica r, String ckpt) {
    String what = file + " " + r.id();
    assertThat(s.arg("--served-model-name")).as("%s canonical name", what).contains(r.model());
    assertThat(s.arg("--gpu-memory-utilization")).as(what).contains("0.9");
    if (r.model().equals(ReferenceFleet.LLAMA_70B)) {
      assertThat(ckpt.toLowerCase()).as("%s: an AWQ checkpoint of the 70B", what)
          .contains("awq").contains("70b");
      assertThat(s.arg("--quantization")).as(what).hasValueSatisfying(
          q -> assertThat(q).isIn("awq_marlin", "awq"));
      // One 80 GB GPU holds ~103k tokens of 70B KV cache next to the AWQ weights.
      assertThat(Integer.parseInt(s.arg("--max-model-len").orElseThrow())).as(what)
          .isBetween(4096, 100_000);
    } else {
      assertThat(ckpt).as("%s checkpoint", what).isEqualTo(r.model());
      assertThat(s.arg("--quantization")).as(what).isEmpty();
    }
  }
}
