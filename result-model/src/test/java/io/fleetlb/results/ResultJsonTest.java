package io.fleetlb.results;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A result keeps vLLM's flat top level, in vLLM's order, and reads back to the same typed result.
 */
class ResultJsonTest {
  @TempDir Path dir;

  static RunResult sample() {
    Map<String, Double> stats = new LinkedHashMap<>();
    stats.put("mean_ttft_ms", 12.5);
    stats.put("p99.9_ttft_ms", 40.0);
    stats.put("max_schedule_lag_ms", 0.7);
    ValidityReport validity =
        new ValidityReport(
            true,
            List.of(),
            List.of("w"),
            true,
            10.0,
            9.99,
            0.999,
            0.4,
            new ValidityReport.LagGate(95, 200, 0.3, 120.0, 6.0, "ok"),
            new ValidityReport.Thresholds(1.0, 0.05, 0.99),
            false,
            0,
            0,
            Map.of());
    return new RunResult(
        new RunHeader(
            "20260101-000000",
            "openai-chat",
            "openai-chat",
            "lb-roundrobin",
            "m1,m2",
            null,
            200,
            Double.POSITIVE_INFINITY,
            0.5,
            null),
        Map.of("arm", "baseline"),
        new RunTotals(
            20.5, 199, 1, 1000, 2000, 9.7, 8.0, new Slo(2000.0, 100.0, null), 97.5, 146.3, 300, 12),
        null,
        stats,
        new RunHeadline(true, true, "ab".repeat(32), 10.0, 9.99, 0.9, 0.1),
        validity,
        new BenchInfo(
            "fleetlb-bench",
            "1",
            BenchInfo.FORMAT_VERSION,
            "http://h:1",
            "/v1/chat/completions",
            "2026-01-01T00:00:00Z",
            1L,
            0,
            "17",
            "G1",
            2),
        null,
        SteadyStateFigures.empty(2, 18, "empty window"),
        Map.of(),
        Map.of(),
        Map.of(),
        Map.of(),
        new ConnectionFigures(3, 32768, 0, 0, null),
        null,
        null,
        new FileNames("r.requests.jsonl", null),
        Map.of("ttft", "first token minus start"));
  }

  @Test
  void theTopLevelIsFlatInVllmsOrderAndRoundTrips() throws Exception {
    Path f = dir.resolve("result.json");
    ResultJson.write(sample(), f);
    JsonNode t = new ObjectMapper().readTree(f.toFile());
    List<String> keys = new ArrayList<>();
    t.fieldNames().forEachRemaining(keys::add);
    assertThat(keys.subList(0, 11))
        .containsExactly(
            "date",
            "endpoint_type",
            "backend",
            "label",
            "model_id",
            "tokenizer_id",
            "num_prompts",
            "arm",
            "request_rate",
            "burstiness",
            "max_concurrency");
    assertThat(t.path("request_rate").asText()).isEqualTo("inf");
    assertThat(t.path("goodput_slo").toString())
        .isEqualTo("{\"ttft_ms\":2000.0,\"tpot_ms\":100.0}");
    assertThat(t.path("p99.9_ttft_ms").asDouble()).isEqualTo(40.0);
    assertThat(t.path("validity").path("thresholds").path("max_schedule_lag_share").asDouble())
        .isEqualTo(0.05);
    assertThat(t.path("bench").path("result_format_version").asInt()).isEqualTo(2);
    assertThat(keys.indexOf("valid")).isGreaterThan(keys.indexOf("p99.9_ttft_ms"));
    assertThat(keys.indexOf("validity")).isGreaterThan(keys.indexOf("balance_cv_max"));

    RunResult back = ResultJson.read(f);
    assertThat(back.metadata()).containsExactly(Map.entry("arm", "baseline"));
    assertThat(back.stats()).isEqualTo(sample().stats());
    assertThat(back.header()).isEqualTo(sample().header());
    assertThat(back.totals()).isEqualTo(sample().totals());
    assertThat(back.validity()).isEqualTo(sample().validity());
    assertThat(back.steadyState().error()).isEqualTo("empty window");
    assertThat(ResultJson.toTree(back)).isEqualTo(ResultJson.toTree(sample()));
  }

  @Test
  void aResultOfFormatOneReadsItsGateUnderTheOldName() throws Exception {
    ObjectNode t = ResultJson.toTree(sample());
    ObjectNode th = (ObjectNode) t.path("validity").path("thresholds");
    th.remove("max_schedule_lag_ms");
    th.remove("max_schedule_lag_share");
    th.put("max_p99_schedule_lag_ms", 20.0);
    ((ObjectNode) t.path("validity")).remove("schedule_lag");
    t.remove("goodput_slo");
    RunResult r = ResultJson.fromTree(t);
    assertThat(r.validity().thresholds().maxScheduleLagMs()).isEqualTo(20.0);
    assertThat(r.validity().thresholds().maxScheduleLagShare()).isNull();
    assertThat(r.validity().scheduleLag()).isNull();
    assertThat(r.totals().goodputSlo()).isNull();
    assertThat(ResultJson.isResult(t)).isTrue();
    assertThat(ResultJson.isResult(new ObjectMapper().readTree("{\"completed\":1}"))).isFalse();
  }

  @Test
  void writingReplacesTheFileWhole() throws Exception {
    Path f = dir.resolve("r.json");
    Files.writeString(f, "old");
    ResultJson.write(sample(), f);
    assertThat(Files.readString(f)).startsWith("{").contains("\"label\" : \"lb-roundrobin\"");
    assertThat(Files.exists(dir.resolve("r.json.tmp"))).isFalse();
  }
}
