package io.fleetlb.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetlb.lb.Router;
import io.fleetlb.lb.RunningRouter;
import io.fleetlb.lb.config.ConfigLoader;
import io.fleetlb.lb.roundrobin.RoundRobinPolicy;
import io.fleetlb.sim.SimReplica;
import io.fleetlb.sim.replica.ReplicaOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole chain with real parts, in process: vllm-sim replicas (two models x two), two
 * lb-roundrobin routers as the arms, bench replaying one frozen workload through each (two
 * interleaved repetitions, telemetry on) and a two-rate sweep; then compare.sh's main on the files
 * bench wrote.
 */
class EndToEndTest {
  static final String LLAMA = "meta-llama/Llama-3.1-8B-Instruct";
  static final String QWEN = "Qwen/Qwen2.5-7B-Instruct";
  static final ObjectMapper JSON = new ObjectMapper();
  static Vertx vertx;
  static final List<SimReplica> sims = new ArrayList<>();
  static final List<RunningRouter> routers = new ArrayList<>();
  static final List<String> telemetry = new ArrayList<>();
  @TempDir static Path dir;

  static <T> T join(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @BeforeAll
  static void fleet() throws Exception {
    vertx = Vertx.vertx();
    StringBuilder replicas = new StringBuilder();
    String[][] fleet = {
      {"llama8b-1", LLAMA}, {"llama8b-2", LLAMA}, {"qwen7b-1", QWEN}, {"qwen7b-2", QWEN}
    };
    for (String[] r : fleet) {
      SimReplica sim =
          join(
              SimReplica.start(
                  vertx,
                  ReplicaOptions.builder(r[1]).id(r[0]).timeScale(10).seed(sims.size()).build()));
      sims.add(sim);
      String base = "http://127.0.0.1:" + sim.port();
      replicas
          .append("  - { id: ")
          .append(r[0])
          .append(", url: \"")
          .append(base)
          .append("\", model: \"")
          .append(r[1])
          .append("\" }\n");
      telemetry.addAll(
          List.of(
              "--server-metrics",
              r[0] + "=" + base + "/metrics",
              "--gpu-metrics",
              r[0] + "=" + base + "/gpu/metrics"));
    }
    for (int k = 0; k < 2; k++) {
      String yaml =
          "listen: { host: 127.0.0.1, port: 0, event_loops: 1 }\n"
              + "admin: { host: 127.0.0.1, port: 0 }\n"
              + "access_log: { enabled: false }\n"
              + "replicas:\n"
              + replicas;
      routers.add(
          join(
              Router.builder(ConfigLoader.create().parse(yaml, "arm" + k + ".yaml"))
                  .policy(RoundRobinPolicy.create())
                  .policyName("lb-roundrobin")
                  .start()));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    for (RunningRouter r : routers) {
      join(r.close());
    }
    for (SimReplica s : sims) {
      join(s.close());
    }
    join(vertx.close());
  }

  static String bench(String... args) {
    StringWriter err = new StringWriter();
    int code = io.fleetlb.bench.Main.execute(args, new PrintWriter(err, true));
    // 1 = a run marked invalid (its generator fell behind on a busy machine): still a result to
    // compare
    assertThat(code).as(err.toString()).isIn(0, 1);
    return err.toString();
  }

  static void workload(Path file, int requests, int rate) {
    bench(
        "workload",
        "-o",
        file.toString(),
        "--model",
        LLAMA + "=2",
        "--model",
        QWEN + "=1",
        "--num-prompts",
        Integer.toString(requests),
        "--request-rate",
        Integer.toString(rate),
        "--random-input-len",
        "32",
        "--output-len-dist",
        "uniform(4,16)",
        "--seed",
        "5");
  }

  static void run(Path workload, Path result, int router, String label) throws Exception {
    Files.createDirectories(result.getParent());
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                "--url",
                routers.get(router).baseUri().toString().replaceAll("/$", ""),
                "-w",
                workload.toString(),
                "-o",
                result.toString(),
                "--no-progress",
                "--label",
                label,
                "--telemetry-interval",
                "250ms"));
    args.addAll(telemetry);
    String err = bench(args.toArray(String[]::new));
    assertThat(result).as(err).isNotEmptyFile();
  }

  @Test
  void comparesRealBenchRunsIntoEveryReport() throws Exception {
    Path ab = dir.resolve("ab");
    Path w = ab.resolve("workload.jsonl");
    Files.createDirectories(ab);
    workload(w, 60, 30);
    for (int rep = 1; rep <= 2; rep++) {
      run(w, ab.resolve("baseline/rep" + rep + "/result.json"), 0, "rr-a");
      run(w, ab.resolve("managed/rep" + rep + "/result.json"), 1, "rr-b");
    }
    for (int rate : new int[] {10, 40}) {
      Path r = dir.resolve("sweep/rate-" + rate);
      Files.createDirectories(r);
      workload(r.resolve("workload.jsonl"), 30, rate);
      run(r.resolve("workload.jsonl"), r.resolve("baseline/rep1/result.json"), 0, "rr-a");
      run(r.resolve("workload.jsonl"), r.resolve("managed/rep1/result.json"), 1, "rr-b");
    }
    Path out = dir.resolve("report");
    StringWriter stdout = new StringWriter();
    StringWriter stderr = new StringWriter();
    int code =
        Main.execute(
            new String[] {
              ab.resolve("baseline").toString(),
              ab.resolve("managed").toString(),
              "--out",
              out.toString(),
              "--sweep",
              dir.resolve("sweep").toString(),
              "--slo",
              "ttft:500,tpot:50",
              "--bootstrap",
              "300"
            },
            new PrintWriter(stdout),
            new PrintWriter(stderr));
    assertThat(code).as(stderr.toString()).isIn(0, 3);

    JsonNode c = JSON.readTree(out.resolve("comparison.json").toFile());
    JsonNode b1 = JSON.readTree(ab.resolve("baseline/rep1/result.json").toFile());
    boolean allValid = true;
    for (String arm : List.of("baseline", "managed")) {
      for (int rep = 1; rep <= 2; rep++) {
        allValid &=
            JSON.readTree(ab.resolve(arm + "/rep" + rep + "/result.json").toFile())
                .path("valid")
                .asBoolean();
      }
    }
    assertThat(c.path("valid").asBoolean()).isEqualTo(allValid).isEqualTo(code == 0);
    assertThat(c.path("workload_hash").asText())
        .isEqualTo(b1.path("workload_hash").asText())
        .hasSize(64);
    assertThat(c.path("reasons").isArray()).isTrue();
    for (String key :
        List.of(
            "p50_ttft_ms",
            "p90_ttft_ms",
            "p99_ttft_ms",
            "p50_tpot_ms",
            "p99_tpot_ms",
            "p50_itl_ms",
            "p99_itl_ms",
            "p50_e2el_ms",
            "p99_e2el_ms",
            "request_throughput",
            "output_throughput",
            "goodput",
            "goodput_fraction",
            "failure_rate",
            "mean_gpu_util_pct",
            "mean_gpu_power_w")) {
      JsonNode m = c.path("metrics").path(key);
      assertThat(m.path("baseline").isNumber()).as(key).isTrue();
      assertThat(m.path("managed").isNumber()).as(key).isTrue();
      assertThat(m.path("ci95").size()).as(key).isEqualTo(2);
      assertThat(m.path("verdict").asText()).as(key).isIn("better", "worse", "same");
    }
    // recomputed from the per-request records, each repetition's figure is bench's own, to the bit
    assertThat(c.path("metrics").path("p99_ttft_ms").path("baseline_runs").get(0).asDouble())
        .isEqualTo(b1.path("p99_ttft_ms").asDouble());
    assertThat(c.path("metrics").path("output_throughput").path("baseline_runs").get(0).asDouble())
        .isEqualTo(b1.path("output_throughput").asDouble());
    assertThat(c.path("per_model").has(LLAMA)).isTrue();
    assertThat(c.path("per_model").has(QWEN)).isTrue();
    assertThat(c.path("arms").path("baseline").path("label").asText()).isEqualTo("rr-a");
    assertThat(c.path("arms").path("managed").path("repetitions").asInt()).isEqualTo(2);
    assertThat(c.path("replicas").path("managed").has("qwen7b-2")).isTrue();
    assertThat(c.path("paired").path("ttft_ms").path("pairs").asInt()).isPositive();
    JsonNode sweep = c.path("sweep");
    assertThat(sweep.path("rates")).hasSize(2);
    assertThat(sweep.path("capacity").has("baseline")).isTrue();
    assertThat(sweep.path("points").path("managed")).hasSize(2);

    for (String f :
        List.of(
            "report.md",
            "report.html",
            "charts/ttft_cdf.png",
            "charts/e2el_cdf.png",
            "charts/percentiles_ttft.png",
            "charts/throughput_over_time.png",
            "charts/replica_share.png",
            "charts/gpu_util_over_time.png",
            "charts/sweep_goodput.png",
            "charts/sweep_throughput_per_gpu.png")) {
      assertThat(out.resolve(f)).as(f).isNotEmptyFile();
    }
    String html = Files.readString(out.resolve("report.html"));
    assertThat(html)
        .doesNotContain("<script")
        .doesNotContain("<link")
        .doesNotContain("src=\"http")
        .contains("data:image/png;base64,")
        .contains("p99 TTFT")
        .contains("Capacity under the SLO");
    assertThat(Files.readString(out.resolve("report.md")))
        .contains("| p99 TTFT (ms) |")
        .contains("charts/ttft_cdf.png");
    assertThat(stdout.toString())
        .contains("A/B comparison: rr-a (baseline) vs rr-b (managed)")
        .contains("p99 TTFT");
  }
}
