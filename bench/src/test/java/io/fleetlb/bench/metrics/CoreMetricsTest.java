package io.fleetlb.bench.metrics;

import static io.fleetlb.bench.metrics.Outcomes.failed;
import static io.fleetlb.bench.metrics.Outcomes.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fleetlb.results.Slo;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * vLLM's calculate_metrics by hand. Three successful requests and one failure over 2 s: A start 0,
 * first 100, gaps 10 and 20 (3 tokens, 10 prompt): TTFT 100, E2EL 130, TPOT 15; B start 50, first
 * 250, gap 30 (2 tokens, 20 prompt): TTFT 200, E2EL 230, TPOT 30; D start 100, first 150, no gap (1
 * token, 5 prompt): TTFT 50, E2EL 50, no TPOT.
 */
class CoreMetricsTest {
  static final List<RequestOutcome> RUN =
      List.of(
          ok(0, "m", "r1", 0, 0, 100, new double[] {10, 20}, 3, 10),
          ok(1, "m", "r2", 50, 50, 250, new double[] {30}, 2, 20),
          failed(2, "m", 70, 70, "HTTP 503: overloaded"),
          ok(3, "m", "r1", 100, 100, 150, new double[] {}, 1, 5));

  @Test
  void countsTokensAndThroughputs() {
    CoreMetrics m = CoreMetrics.compute(RUN, 2.0, List.of(99.0), null);
    assertThat(m.completed()).isEqualTo(3);
    assertThat(m.failed()).isEqualTo(1);
    assertThat(m.totalInputTokens()).isEqualTo(35);
    assertThat(m.totalOutputTokens()).isEqualTo(6);
    assertThat(m.requestThroughput()).isEqualTo(1.5);
    assertThat(m.outputThroughput()).isEqualTo(3.0);
    assertThat(m.totalTokenThroughput()).isEqualTo(20.5);
    assertThat(m.requestGoodput()).isNull();
  }

  @Test
  void latencyStatisticsExcludeFailures() {
    CoreMetrics m = CoreMetrics.compute(RUN, 2.0, List.of(50.0, 99.0), null);
    assertThat(m.ttft().count()).isEqualTo(3);
    assertThat(m.ttft().mean()).isCloseTo(116.66666666666667, within(1e-9));
    assertThat(m.ttft().median()).isEqualTo(100.0);
    assertThat(m.ttft().std()).isCloseTo(62.36095644623236, within(1e-9));
    assertThat(m.ttft().percentile(99)).isCloseTo(198.0, within(1e-9));
    assertThat(m.tpot().count()).isEqualTo(2);
    assertThat(m.tpot().mean()).isCloseTo(22.5, within(1e-9));
    assertThat(m.itl().count()).isEqualTo(3);
    assertThat(m.itl().mean()).isCloseTo(20.0, within(1e-9));
    assertThat(m.e2el().median()).isCloseTo(130.0, within(1e-9));
    assertThat(m.e2el().max()).isCloseTo(230.0, within(1e-9));
  }

  @Test
  void goodputAppliesEverySloAndCountsTpotZeroForSingleTokens() {
    assertThat(
            CoreMetrics.compute(RUN, 2.0, List.of(99.0), new Slo(150.0, null, null))
                .requestGoodput())
        .isEqualTo(1.0); // A and D
    assertThat(
            CoreMetrics.compute(RUN, 2.0, List.of(99.0), new Slo(150.0, 10.0, null))
                .requestGoodput())
        .isEqualTo(0.5); // only D, whose TPOT counts as 0
    assertThat(
            CoreMetrics.compute(RUN, 2.0, List.of(99.0), new Slo(null, null, 230.0))
                .requestGoodput())
        .isEqualTo(1.5); // the threshold itself is good
  }

  @Test
  void peakConcurrencyIsASweepOverHalfOpenIntervals() {
    // [0,130) [50,280) [100,150): all three overlap at 100 ms
    assertThat(CoreMetrics.compute(RUN, 2.0, List.of(99.0), null).maxConcurrentRequests())
        .isEqualTo(3);
    List<RequestOutcome> backToBack =
        List.of(
            ok(0, "m", null, 0, 0, 10, new double[] {90}, 2, 1),
            ok(1, "m", null, 100, 100, 110, new double[] {90}, 2, 1));
    assertThat(CoreMetrics.peakConcurrency(backToBack)).isEqualTo(1);
  }

  @Test
  void peakOutputTokensPerSecondCountsEventsPerOneSecondBin() {
    List<RequestOutcome> rs =
        List.of(
            ok(
                0,
                "m",
                null,
                0,
                0,
                900,
                new double[] {50, 60, 100},
                4,
                1), // events at 900, 950 | 1010, 1110
            ok(1, "m", null, 0, 200, 1500, new double[] {100}, 2, 1)); // events at 1500, 1600
    // bins from the earliest start (0): [0,1s) has 2 events, [1s,2s) has 4
    assertThat(CoreMetrics.peakOutputTokensPerSecond(rs)).isEqualTo(4.0);
  }

  @Test
  void outputTokensFallBackToTokenEventsWithoutUsage() {
    RequestOutcome r = ok(0, "m", null, 0, 0, 10, new double[] {5, 5}, 3, 4);
    RequestOutcome noUsage =
        new RequestOutcome(
            0,
            "m",
            null,
            9,
            3,
            0,
            0,
            0,
            0,
            r.firstTokenNs(),
            r.lastTokenNs(),
            r.doneNs(),
            r.itlNs(),
            3,
            3,
            200,
            true,
            null,
            -1,
            -1,
            true,
            null,
            false);
    assertThat(noUsage.outputTokens()).isEqualTo(3);
    assertThat(noUsage.inputTokens()).isEqualTo(9);
    assertThat(noUsage.usageMissing()).isTrue();
  }

  @Test
  void clientQueueTimeIsStartMinusArrival() {
    RequestOutcome r = Outcomes.arrivedAt(ok(0, "m", null, 0, 30, 80, new double[] {}, 1, 1), 10);
    CoreMetrics m = CoreMetrics.compute(List.of(r), 1.0, List.of(50.0), null);
    assertThat(m.clientQueueTime().mean()).isCloseTo(20.0, within(1e-9));
    assertThat(m.e2elIncludingClientQueue().mean()).isCloseTo(70.0, within(1e-9));
  }
}
