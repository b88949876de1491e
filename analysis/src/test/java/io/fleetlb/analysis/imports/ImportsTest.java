package io.fleetlb.analysis.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetlb.analysis.input.Run;
import io.fleetlb.analysis.input.RunDiscovery;
import io.fleetlb.analysis.input.RunReader;
import io.fleetlb.analysis.input.Source;
import io.fleetlb.results.NumpyStats;
import io.fleetlb.results.RequestRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs of other tools, from files in their formats (src/test/resources/imports, written from the
 * tools' own writers by generate.py): the same 60 requests as vllm bench serve, GenAI-Perf and
 * AIPerf saved them, read back request by request with our definitions.
 */
class ImportsTest {
  static final Path DIR = Path.of("src/test/resources/imports");
  static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path tmp;

  static double[] successful(Run r, ToDoubleFunction<RequestRecord> f) {
    return Arrays.stream(r.requests()).filter(RequestRecord::success).mapToDouble(f).toArray();
  }

  @Test
  void vllmBenchServeRecomputesItsOwnFiguresFromItsArrays() throws Exception {
    Path file = DIR.resolve("vllm-bench-serve.json");
    JsonNode doc = MAPPER.readTree(file.toFile());
    Run r = RunReader.read(file);
    assertThat(r.source()).isEqualTo(Source.VLLM_BENCH_SERVE);
    assertThat(r.requests()).hasSize(60);
    assertThat(r.failed()).isEqualTo(3);
    assertThat(r.requests()[7].success()).isFalse();
    assertThat(r.requests()[7].error())
        .isEqualTo("aiohttp.client_exceptions.ServerDisconnectedError: Server disconnected");
    assertThat(r.durationS()).isEqualTo(doc.path("duration").asDouble());
    assertThat(r.label()).isEqualTo("vllm-direct");
    assertThat(r.workloadHash()).isEmpty();
    // vLLM computed these with numpy from the same arrays: ours must agree (up to where the *1000
    // happens)
    for (String key :
        new String[] {
          "p99_ttft_ms",
          "p50_ttft_ms",
          "mean_ttft_ms",
          "p90_tpot_ms",
          "std_tpot_ms",
          "p99.9_itl_ms",
          "median_e2el_ms",
          "p99_e2el_ms"
        }) {
      String metric = key.replaceAll("^(p[0-9.]+|mean|median|std)_|_ms$", "");
      double[] v =
          switch (metric) {
            case "ttft" -> successful(r, RequestRecord::ttft);
            case "tpot" ->
                Arrays.stream(successful(r, RequestRecord::tpot))
                    .filter(x -> !Double.isNaN(x))
                    .toArray();
            case "itl" ->
                Arrays.stream(r.requests())
                    .flatMapToDouble(q -> Arrays.stream(q.itlMs()))
                    .toArray();
            default -> successful(r, RequestRecord::e2el);
          };
      String stat = key.substring(0, key.indexOf('_'));
      double ours =
          switch (stat) {
            case "mean" -> NumpyStats.mean(v);
            case "median" -> NumpyStats.percentile(v, 50);
            case "std" -> NumpyStats.std(v);
            default -> NumpyStats.percentile(v, Double.parseDouble(stat.substring(1)));
          };
      // inter-token gaps are kept in whole nanoseconds, as bench records them: 0.5 ns = 5e-7 ms at
      // most
      assertThat(ours)
          .as(key)
          .isCloseTo(doc.path(key).asDouble(), within(Math.max(1e-6, 1e-9 * ours)));
    }
    // the only warning is the general one: no figure of the file disagrees with its arrays
    assertThat(r.warnings())
        .singleElement()
        .asString()
        .startsWith("imported from vllm bench serve");
    assertThat(r.requests()[0].startNs()).isZero();
    assertThat(r.requests()[1].startNs()).isPositive();
  }

  @Test
  void aVllmResultWithoutItsArraysAsksForSaveDetailed() throws Exception {
    ObjectNode doc = (ObjectNode) MAPPER.readTree(DIR.resolve("vllm-bench-serve.json").toFile());
    doc.remove(
        java.util.List.of(
            "ttfts",
            "itls",
            "input_lens",
            "output_lens",
            "start_times",
            "generated_texts",
            "errors"));
    Path f = tmp.resolve("summary-only.json");
    MAPPER.writeValue(f.toFile(), doc);
    assertThatThrownBy(() -> RunReader.read(f))
        .hasMessageContaining("run vllm bench serve with --save-result " + "--save-detailed");
  }

  @Test
  void genAiPerfStreamsAreReadWithVllmsTokenEvents() throws Exception {
    Run g = RunReader.read(DIR.resolve("genai-perf/profile_export.json"));
    Run v = RunReader.read(DIR.resolve("vllm-bench-serve.json"));
    assertThat(g.source()).isEqualTo(Source.GENAI_PERF);
    assertThat(g.requests()).hasSize(60);
    assertThat(g.failed()).isEqualTo(3);
    assertThat(g.requests()[31].error()).isEqualTo("error in stream: The model is overloaded");
    for (int i = 0; i < 60; i++) {
      RequestRecord a = g.requests()[i];
      RequestRecord b = v.requests()[i];
      assertThat(a.success()).isEqualTo(b.success());
      if (a.success()) {
        // the role-only first chunk is the first token event, as for vLLM's client
        assertThat(a.ttft()).as("ttft %d", i).isCloseTo(b.ttft(), within(1e-6));
        // output tokens from the usage chunk; one gap more than vLLM's list (role chunk, then each
        // token)
        assertThat(a.outputTokens()).isEqualTo(b.outputTokens());
        assertThat(a.itlMs()).hasSize(b.itlMs().length + 1);
        assertThat(a.e2el()).as("e2el %d", i).isCloseTo(b.e2el() + 0.4, within(1e-4));
      }
    }
    assertThat(g.result().header().modelId()).isEqualTo("meta-llama/Llama-3.1-8B-Instruct");
    assertThat(g.result().header().requestRate()).isEqualTo(8.0);
  }

  @Test
  void aGenAiPerfExportWithSeveralExperimentsNeedsOneChosen() throws Exception {
    ObjectNode doc =
        (ObjectNode) MAPPER.readTree(DIR.resolve("genai-perf/profile_export.json").toFile());
    ArrayNode exps = (ArrayNode) doc.path("experiments");
    ObjectNode second = exps.get(0).deepCopy();
    ((ObjectNode) second.path("experiment")).put("value", 16.0);
    ((ArrayNode) second.path("requests")).remove(59);
    exps.add(second);
    Path f = tmp.resolve("profile_export.json");
    MAPPER.writeValue(f.toFile(), doc);
    assertThatThrownBy(() -> RunReader.read(f))
        .hasMessage(
            f
                + ": holds 2 experiments (#0 request_rate 8.0, "
                + "#1 request_rate 16.0); compare one at a time, e.g. "
                + f
                + "#0");
    Path one = tmp.resolve("profile_export.json#1");
    assertThat(RunDiscovery.results(one)).containsExactly(one);
    assertThat(RunReader.read(one).requests()).hasSize(59);
  }

  @Test
  void aiPerfRecordsAreTheProfilingPhaseInStartOrder() {
    Run a = RunReader.read(DIR.resolve("aiperf/profile_export_aiperf.json"));
    Run v = RunReader.read(DIR.resolve("vllm-bench-serve.json"));
    assertThat(a.source()).isEqualTo(Source.AIPERF);
    assertThat(a.requests()).hasSize(60); // the warm-up record is left out
    assertThat(a.failed()).isEqualTo(3);
    assertThat(a.requests()[52].error())
        .isEqualTo("ServiceUnavailableError 503: The model is overloaded");
    for (int i = 0; i < 60; i++) {
      if (a.requests()[i].success()) {
        assertThat(a.requests()[i].ttft())
            .as("ttft %d", i)
            .isCloseTo(v.requests()[i].ttft(), within(1e-9));
        assertThat(a.requests()[i].e2el())
            .as("e2el %d", i)
            .isCloseTo(v.requests()[i].e2el(), within(1e-9));
        assertThat(a.requests()[i].itlMs()).hasSameSizeAs(v.requests()[i].itlMs());
        assertThat(a.requests()[i].tpot()).isCloseTo(v.requests()[i].tpot(), within(1e-9));
      }
    }
    assertThat(a.durationS()).isCloseTo(v.durationS(), within(1e-9));
    assertThat(a.url()).isEqualTo("localhost:8000");
    Run fromRecords = RunReader.read(DIR.resolve("aiperf/profile_export.jsonl"));
    assertThat(fromRecords.requests()).hasSize(60);
    assertThat(fromRecords.durationS()).isEqualTo(a.durationS());
  }

  @Test
  void aDirectoryFindsEachToolsRunOnce() throws Exception {
    Path arm = tmp.resolve("arm");
    Files.createDirectories(arm.resolve("a"));
    Files.createDirectories(arm.resolve("g"));
    Files.copy(DIR.resolve("aiperf/profile_export.jsonl"), arm.resolve("a/profile_export.jsonl"));
    Files.copy(
        DIR.resolve("aiperf/profile_export_aiperf.json"),
        arm.resolve("a/profile_export_aiperf.json"));
    Files.copy(DIR.resolve("genai-perf/profile_export.json"), arm.resolve("g/profile_export.json"));
    Files.copy(DIR.resolve("vllm-bench-serve.json"), arm.resolve("v.json"));
    Files.writeString(arm.resolve("comparison.json"), "{\"format\":\"fleetlb-comparison\"}");
    assertThat(RunDiscovery.results(arm))
        .containsExactly(
            arm.resolve("a/profile_export_aiperf.json"),
            arm.resolve("g/profile_export.json"),
            arm.resolve("v.json"));
  }
}
