package io.fleetlb.bench.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetlb.prom.PrometheusText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadingsTest {
  static final String DCGM =
      "# HELP DCGM_FI_DEV_GPU_UTIL GPU utilization (in %).\n"
          + "# TYPE DCGM_FI_DEV_GPU_UTIL gauge\n"
          + "DCGM_FI_DEV_GPU_UTIL{gpu=\"0\",UUID=\"GPU-a\",device=\"nvidia0\",modelName=\"NVIDIA"
          + " H100 80GB HBM3\",Hostname=\"n1\"} 87\n"
          + "DCGM_FI_DEV_GPU_UTIL{gpu=\"1\",UUID=\"GPU-b\",device=\"nvidia1\",modelName=\"NVIDIA"
          + " H100 80GB HBM3\",Hostname=\"n1\"} 12\n"
          + "# TYPE DCGM_FI_DEV_POWER_USAGE gauge\n"
          + "DCGM_FI_DEV_POWER_USAGE{gpu=\"0\",UUID=\"GPU-a\"} 612.5\n"
          + "DCGM_FI_DEV_POWER_USAGE{gpu=\"1\",UUID=\"GPU-b\"} 120.0\n"
          + "# TYPE DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION counter\n"
          + "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{gpu=\"0\",UUID=\"GPU-a\"} 123456789\n"
          + "DCGM_FI_PROF_SM_ACTIVE{gpu=\"0\",UUID=\"GPU-a\"} 0.61\n"
          + "DCGM_FI_DEV_FB_USED{gpu=\"0\",UUID=\"GPU-a\"} 70000\n";

  @Test
  void dcgmExporterPagePerGpuAndFilteredToOne() throws Exception {
    List<ObjectNode> gpus = Readings.dcgm(PrometheusText.parse(DCGM), null);
    assertThat(gpus).hasSize(2);
    ObjectNode g0 = gpus.get(0);
    assertThat(g0.path("gpu").asText()).isEqualTo("0");
    assertThat(g0.path("uuid").asText()).isEqualTo("GPU-a");
    assertThat(g0.path("model_name").asText()).isEqualTo("NVIDIA H100 80GB HBM3");
    assertThat(g0.path("util_pct").asDouble()).isEqualTo(87);
    assertThat(g0.path("power_w").asDouble()).isEqualTo(612.5);
    assertThat(g0.path("energy_j").asDouble()).isEqualTo(123456.789); // mJ -> J
    assertThat(g0.path("sm_active").asDouble()).isEqualTo(0.61);
    assertThat(gpus.get(1).has("energy_j")).isFalse();
    assertThat(Readings.dcgm(PrometheusText.parse(DCGM), "1"))
        .singleElement()
        .satisfies(g -> assertThat(g.path("util_pct").asDouble()).isEqualTo(12));
  }

  @Test
  void vllmV1RealScrape() throws Exception {
    ObjectNode r =
        Readings.vllm(
            PrometheusText.parse(
                Files.readString(Path.of("src/test/resources/vllm-metrics-v1.txt"))));
    assertThat(r.path("model").asText()).isEqualTo("Qwen/Qwen3-4B-Instruct-2507-FP8");
    assertThat(r.path("running").asDouble()).isZero();
    assertThat(r.path("waiting").asDouble()).isZero();
    assertThat(r.path("kv_usage").asDouble()).isEqualTo(0.0011764705882353343);
    assertThat(r.path("generation_tokens_total").asDouble()).isEqualTo(1739.0);
    assertThat(r.path("preemptions_total").asDouble()).isZero();
  }

  @Test
  void vllmV0NamesAndEnginesAreSummed() throws Exception {
    String v0 =
        "vllm:num_requests_running{model_name=\"m\"} 3.0\n"
            + "vllm:num_requests_waiting{model_name=\"m\"} 2.0\n"
            + "vllm:num_requests_swapped{model_name=\"m\"} 1.0\n"
            + "vllm:gpu_cache_usage_perc{model_name=\"m\"} 0.5\n";
    ObjectNode r = Readings.vllm(PrometheusText.parse(v0));
    assertThat(r.path("waiting").asDouble()).isEqualTo(3.0); // swapped requests are waiting too
    assertThat(r.path("kv_usage").asDouble()).isEqualTo(0.5);
    String dp =
        "vllm:num_requests_running{engine=\"0\",model_name=\"m\"} 2\n"
            + "vllm:num_requests_running{engine=\"1\",model_name=\"m\"} 5\n";
    assertThat(Readings.vllm(PrometheusText.parse(dp)).path("running").asDouble()).isEqualTo(7);
  }

  @Test
  void nvidiaSmiCsv() throws Exception {
    List<ObjectNode> g =
        NvidiaSmi.parse(
            "0, GPU-1234, NVIDIA H100 80GB HBM3, 95, 650.12, 70000, 81559, 61\n"
                + "1, GPU-5678, NVIDIA H100 80GB HBM3, 3, [N/A], 500, 81559, 33\n");
    assertThat(g).hasSize(2);
    assertThat(g.get(0).path("power_w").asDouble()).isEqualTo(650.12);
    assertThat(g.get(1).has("power_w")).isFalse();
    assertThatThrownBy(() -> NvidiaSmi.parse("garbage"))
        .hasMessageContaining("unexpected nvidia-smi line");
  }

  @Test
  void targetsParseIdUrlAndGpuFragment() {
    MetricsTarget t =
        MetricsTarget.parse("llama8b-1=http://10.0.0.5:9400/metrics#gpu=3", "--gpu-metrics");
    assertThat(t.id()).isEqualTo("llama8b-1");
    assertThat(t.host()).isEqualTo("10.0.0.5");
    assertThat(t.port()).isEqualTo(9400);
    assertThat(t.path()).isEqualTo("/metrics");
    assertThat(t.gpu()).isEqualTo("3");
    MetricsTarget bare = MetricsTarget.parse("http://127.0.0.1:8001", "--server-metrics");
    assertThat(bare.id()).isEqualTo("127.0.0.1:8001");
    assertThat(bare.path()).isEqualTo("/metrics");
    assertThatThrownBy(() -> MetricsTarget.parse("r1=localhost:9400", "--gpu-metrics"))
        .hasMessageContaining("--gpu-metrics 'r1=localhost:9400'");
    assertThatThrownBy(() -> MetricsTarget.parse("http://h:1/x#cpu=1", "--gpu-metrics"))
        .hasMessageContaining("#gpu=N");
  }
}
