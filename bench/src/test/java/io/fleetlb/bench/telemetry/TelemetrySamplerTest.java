package io.fleetlb.bench.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TelemetrySamplerTest {
  @TempDir Path dir;

  @Test
  void samplesEveryTargetOnTheRunClockAndRecordsFailures() throws Exception {
    Vertx vertx = Vertx.vertx();
    AtomicInteger scrapes = new AtomicInteger();
    HttpServer server =
        vertx
            .createHttpServer()
            .requestHandler(
                req -> {
                  scrapes.incrementAndGet();
                  switch (req.path()) {
                    case "/gpu/metrics":
                      req.response().end(ReadingsTest.DCGM);
                      break;
                    case "/metrics":
                      req.response()
                          .end(
                              "vllm:num_requests_running{model_name=\"m\"} 2\n"
                                  + "vllm:num_requests_waiting{model_name=\"m\"} 1\n");
                      break;
                    default:
                      req.response().setStatusCode(404).end("nope");
                  }
                })
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    String base = "http://127.0.0.1:" + server.actualPort();
    Path smi = dir.resolve("nvidia-smi");
    Files.writeString(smi, "#!/bin/sh\necho '0, GPU-x, Fake GPU, 42, 100.5, 1000, 2000, 40'\n");
    smi.toFile().setExecutable(true);
    Path file = dir.resolve("t.jsonl");
    TelemetrySampler sampler =
        new TelemetrySampler(
            vertx,
            List.of(MetricsTarget.parse("r1=" + base + "/gpu/metrics#gpu=0", "--gpu-metrics")),
            List.of(
                MetricsTarget.parse("r1=" + base + "/metrics", "--server-metrics"),
                MetricsTarget.parse("gone=" + base + "/missing", "--server-metrics")),
            new NvidiaSmi(smi.toString()),
            50_000_000L,
            file);
    try {
      sampler.start(System.nanoTime());
      await().atMost(Duration.ofSeconds(20)).until(() -> scrapes.get() >= 9);
      List<ObjectNode> samples = sampler.stop();
      assertThat(samples)
          .anyMatch(
              s -> s.path("source").asText().equals("gpu") && s.path("util_pct").asDouble() == 87);
      assertThat(samples)
          .anyMatch(
              s ->
                  s.path("source").asText().equals("server")
                      && s.path("running").asDouble() == 2
                      && s.path("model").asText().equals("m"));
      assertThat(samples)
          .anyMatch(
              s ->
                  s.path("id").asText().equals("gone")
                      && !s.path("ok").asBoolean()
                      && s.path("error").asText().equals("HTTP 404"));
      assertThat(samples)
          .anyMatch(
              s ->
                  s.path("source").asText().equals("nvidia-smi")
                      && s.path("power_w").asDouble() == 100.5);
      assertThat(samples)
          .isSortedAccordingTo(
              (a, b) -> Long.compare(a.path("t_ns").asLong(), b.path("t_ns").asLong()));
      List<String> lines = Files.readAllLines(file);
      assertThat(lines).hasSize(samples.size());
      assertThat(new ObjectMapper().readTree(lines.get(0)).has("t_ns")).isTrue();
    } finally {
      sampler.close();
      vertx.close();
    }
  }
}
