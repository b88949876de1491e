package io.fleetlb.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetlb.sim.SimReplica;
import io.fleetlb.sim.replica.ReplicaOptions;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole bench against a simulated vLLM replica: real SSE shape, usage, /metrics and DCGM
 * telemetry.
 */
class SimReplicaRunTest {
  static final String MODEL = "meta-llama/Llama-3.1-8B-Instruct";
  @TempDir Path dir;

  @Test
  void runAgainstVllmSimWithTelemetry() throws Exception {
    Vertx vertx = Vertx.vertx();
    SimReplica sim =
        SimReplica.start(vertx, ReplicaOptions.builder(MODEL).id("llama8b-1").build())
            .toCompletionStage()
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    try {
      String base = "http://127.0.0.1:" + sim.port();
      Path w = dir.resolve("w.jsonl");
      CliTest.Result gen =
          CliTest.bench(
              "workload",
              "-o",
              w.toString(),
              "--model",
              MODEL,
              "--num-prompts",
              "24",
              "--request-rate",
              "12",
              "--random-input-len",
              "40",
              "--random-output-len",
              "6");
      assertThat(gen.code()).as(gen.err()).isZero();
      Path out = dir.resolve("sim.json");
      CliTest.Result r =
          CliTest.bench(
              "run",
              "--url",
              base,
              "-w",
              w.toString(),
              "-o",
              out.toString(),
              "--no-progress",
              "--server-metrics",
              "llama8b-1=" + base + "/metrics",
              "--gpu-metrics",
              "llama8b-1=" + base + "/gpu/metrics",
              "--telemetry-interval",
              "250ms");
      JsonNode j = new ObjectMapper().readTree(out.toFile());
      assertThat(j.path("completed").asInt()).as(r.err()).isEqualTo(24);
      assertThat(j.path("failed").asInt()).isZero();
      // ignore_eos makes the simulator produce exactly max tokens; its chat template adds 10 prompt
      // tokens
      assertThat(j.path("total_output_tokens").asInt()).isEqualTo(24 * 6);
      assertThat(j.path("total_input_tokens").asInt()).isEqualTo(24 * (40 + 10));
      assertThat(j.path("mean_ttft_ms").asDouble()).isPositive();
      assertThat(j.path("validity").path("warnings").toString()).doesNotContain("usage chunk");
      JsonNode t = j.path("telemetry");
      assertThat(t.path("run").path("gpus").asInt()).isEqualTo(1);
      assertThat(t.path("gpus").path("llama8b-1").path("energy_method").asText())
          .isEqualTo("counter");
      assertThat(t.path("gpus").path("llama8b-1").path("energy_j").asDouble()).isPositive();
      assertThat(t.path("gpus").path("llama8b-1").path("mean_power_w").asDouble()).isPositive();
      assertThat(t.path("servers").path("llama8b-1").path("model").asText()).isEqualTo(MODEL);
      // the engine's own counter, sampled: it moved by about the tokens the run received
      assertThat(t.path("servers").path("llama8b-1").path("generation_tokens").asDouble())
          .isBetween(24 * 6 * 0.75, 24 * 6 + 6.0);
      assertThat(t.path("run").path("joules_per_output_token").asDouble()).isPositive();
      // the replica is known from its own metrics even though no router named it on the responses
      assertThat(j.path("per_replica").has("llama8b-1")).isTrue();
      List<String> tl = Files.readAllLines(dir.resolve("sim.telemetry.jsonl"));
      assertThat(tl)
          .anyMatch(l -> l.contains("\"source\":\"gpu\""))
          .anyMatch(l -> l.contains("\"source\":\"server\""));
    } finally {
      sim.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      vertx.close();
    }
  }
}
