package io.fleetlb.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetlb.results.Slo;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * compare.sh with another tool's run as either arm, against one of ours: the report says where each
 * arm came from, what it lacks, and how the arms were paired.
 */
class ImportedArmTest {
  static final Path IMPORTS = Path.of("src/test/resources/imports");
  static final String MODEL = "meta-llama/Llama-3.1-8B-Instruct";

  @TempDir Path dir;

  private Path ours(int requests) {
    return SyntheticRun.of(requests)
        .models(MODEL)
        .label("lb-queue-aware")
        .ttft(i -> 90)
        .slo(new Slo(2000.0, 100.0, null))
        .write(dir.resolve("ours"));
  }

  private JsonNode compare(String baseline, String managed, String... more) throws Exception {
    String[] args = new String[4 + more.length];
    args[0] = baseline;
    args[1] = managed;
    args[2] = "--out";
    args[3] = dir.resolve("out").toString();
    System.arraycopy(more, 0, args, 4, more.length);
    MainTest.Result r = MainTest.run(args);
    assertThat(r.code()).as(r.err() + r.out()).isZero();
    return new ObjectMapper().readTree(dir.resolve("out/comparison.json").toFile());
  }

  @Test
  void aVllmBenchServeResultAgainstOneOfOurs() throws Exception {
    JsonNode c =
        compare(
            IMPORTS.resolve("vllm-bench-serve.json").toString(),
            ours(60).toString(),
            "--bootstrap",
            "200",
            "--max-failure-rate",
            "0.1");
    assertThat(c.path("arms").path("baseline").path("source").asText())
        .isEqualTo("vllm bench serve");
    assertThat(c.path("arms").path("baseline").path("label").asText()).isEqualTo("vllm-direct");
    assertThat(c.path("arms").path("baseline").path("lacks").toString()).contains("schedule lag");
    assertThat(c.path("arms").path("managed").path("source").asText()).isEqualTo("fleetlb bench");
    assertThat(c.path("arms").path("managed").path("lacks")).isEmpty();
    assertThat(c.path("settings").path("pairing").asText()).isEqualTo("order");
    // the SLO one arm recorded is used, the vLLM file records none
    assertThat(c.path("settings").path("slo_source").asText()).isEqualTo("runs");
    assertThat(c.path("settings").path("slo").path("ttft_ms").asDouble()).isEqualTo(2000);
    assertThat(c.path("metrics").path("p99_ttft_ms").path("baseline").asDouble())
        .isCloseTo(
            new ObjectMapper()
                .readTree(IMPORTS.resolve("vllm-bench-serve.json").toFile())
                .path("p99_ttft_ms")
                .asDouble(),
            org.assertj.core.data.Offset.offset(1e-6));
    assertThat(c.path("metrics").path("p99_ttft_intended_ms").path("baseline").isNull()).isTrue();
    assertThat(c.path("metrics").path("steady_output_throughput").path("note").asText())
        .isEqualTo("no data in the baseline");
    assertThat(c.path("warnings").toString())
        .contains("imported from vllm bench serve", "paired request i with request i");
    String md = Files.readString(dir.resolve("out/report.md"));
    assertThat(md)
        .contains("[imported from vllm bench serve]")
        .contains("it lacks latency from the scheduled time");
  }

  @Test
  void aGenAiPerfExportAndAnAiPerfRunAsEitherArm() throws Exception {
    JsonNode g =
        compare(
            ours(60).toString(),
            IMPORTS.resolve("genai-perf/profile_export.json").toString(),
            "--bootstrap",
            "200",
            "--max-failure-rate",
            "0.1");
    assertThat(g.path("arms").path("managed").path("source").asText()).isEqualTo("GenAI-Perf");
    assertThat(g.path("metrics").path("p99_ttft_ms").path("verdict").asText()).isNotEmpty();
    JsonNode a =
        compare(
            IMPORTS.resolve("aiperf").toString(),
            ours(60).toString(),
            "--bootstrap",
            "200",
            "--max-failure-rate",
            "0.1");
    assertThat(a.path("arms").path("baseline").path("source").asText()).isEqualTo("AIPerf");
    assertThat(a.path("arms").path("baseline").path("repetitions").asInt()).isEqualTo(1);
  }

  @Test
  void armsOfDifferentSizesAreComparedUnpaired() throws Exception {
    JsonNode c =
        compare(
            IMPORTS.resolve("vllm-bench-serve.json").toString(),
            ours(80).toString(),
            "--bootstrap",
            "200",
            "--max-failure-rate",
            "0.1");
    assertThat(c.path("settings").path("pairing").asText()).isEqualTo("none");
    assertThat(c.path("settings").path("method").asText())
        .startsWith("percentile bootstrap of two independent samples");
    assertThat(c.path("paired")).isEmpty();
    assertThat(c.path("warnings").toString()).contains("different numbers of requests (60 and 80)");
    // ours answer every request in 90 ms; the vLLM run's median TTFT is about 120 ms
    assertThat(c.path("metrics").path("p50_ttft_ms").path("verdict").asText()).isEqualTo("better");
  }
}
