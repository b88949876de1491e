package io.fleetlb.bench.calibrate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Calibration runs end to end; speed itself is a benchmark (docs/benchmarks.md), not a unit test.
 */
class CalibratorTest {
  @Test
  void reportsFidelityErrorAndALadder() throws Exception {
    CalibrationSettings s =
        new CalibrationSettings(
            10_000_000L,
            2_000_000L,
            3,
            8,
            List.of(50.0, 100.0),
            0.5,
            100,
            0.5,
            0,
            "poisson",
            1.0,
            0,
            1,
            1,
            0.995,
            1000.0,
            1,
            60_000_000_000L,
            0.05,
            0.1,
            0);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    ObjectNode out = new Calibrator(s, new PrintStream(log, true)).run();
    JsonNode f = out.path("fidelity");
    assertThat(f.path("requests").asInt()).isEqualTo(50);
    assertThat(f.path("failed").asInt()).isZero();
    // the client cannot see a token before the server sent it: the error is never negative
    assertThat(f.path("p50_ttft_error_ms").asDouble()).isNotNegative();
    assertThat(f.has("p99_schedule_lag_ms") && f.has("p99_itl_error_ms")).isTrue();
    assertThat(out.path("ladder").size()).isBetween(1, 2);
    assertThat(out.path("ladder").get(0).path("rate").asDouble()).isEqualTo(50.0);
    assertThat(out.has("ceiling_rps")).isTrue();
    assertThat(out.path("settings").path("ttft_ms").asDouble()).isEqualTo(10.0);
    assertThat(log.toString()).contains("client ceiling:").contains("machine timing floor");
    assertThat(out.path("machine_floor").path("all_cores").path("threads").asInt())
        .isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(out.path("machine_floor").path("one_thread").path("readings").asLong()).isPositive();
    assertThat(f.path("worst_lags").size()).isBetween(1, 5);
    // second by second: the 0.5 s run at 100 req/s has its requests due in second 0
    assertThat(f.path("lag_by_second").get(0).path("requests").asInt()).isEqualTo(50);
  }
}
