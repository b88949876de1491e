package io.fleetlb.bench.metrics;

import static io.fleetlb.bench.metrics.Outcomes.arrivedAt;
import static io.fleetlb.bench.metrics.Outcomes.failed;
import static io.fleetlb.bench.metrics.Outcomes.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fleetlb.results.ValidityReport;
import io.fleetlb.results.ValidityReport.Thresholds;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValidityTest {
  /**
   * 100 requests scheduled every 10 ms (100 req/s) with a TTFT of {@code ttftMs}, each arriving
   * {@code lagMs} late, the last {@code lateCount} of them {@code lateByMs} late.
   */
  static List<RequestOutcome> schedule(
      double ttftMs, double lagMs, int lateCount, double lateByMs) {
    List<RequestOutcome> rs = new ArrayList<>();
    for (int i = 1; i <= 100; i++) {
      double t = i * 10.0;
      RequestOutcome r = ok(i - 1, "m", "r", t, t, t + ttftMs, new double[] {1}, 2, 1);
      double lag = i > 100 - lateCount ? lateByMs : lagMs;
      rs.add(arrivedAt(r, t + lag));
    }
    return rs;
  }

  @Test
  void punctualRunIsValid() {
    ValidityReport v = Validity.assess(schedule(5, 0.05, 0, 0), Validity.defaults(), 0);
    assertThat(v.valid()).isTrue();
    assertThat(v.openLoop()).isTrue();
    assertThat(v.offeredRate()).isCloseTo(100.0, within(1e-9));
    assertThat(v.achievedRate()).isCloseTo(100 / 1.00005, within(1e-6));
    assertThat(v.hasFailures()).isFalse();
    assertThat(v.scheduleLag().verdict()).isEqualTo("ok");
  }

  @Test
  void theGateUsesAPercentileWithTenRequestsAboveIt() {
    assertThat(Validity.gatePercentile(5000)).isEqualTo(99);
    assertThat(Validity.gatePercentile(1000)).isEqualTo(99);
    assertThat(Validity.gatePercentile(999)).isEqualTo(95);
    assertThat(Validity.gatePercentile(200)).isEqualTo(95);
    assertThat(Validity.gatePercentile(100)).isEqualTo(90);
    assertThat(Validity.gatePercentile(99)).isEqualTo(50);
    assertThat(Validity.gatePercentile(1)).isEqualTo(50);
  }

  @Test
  void lagBeyondTheGateInvalidatesAndNamesTheFlags() {
    // 12 of 100 requests 5 ms late: the gate's p90 lies among them; TTFT 5 ms, so 10% of it is no
    // help
    ValidityReport v = Validity.assess(schedule(5, 0.05, 12, 5), Validity.defaults(), 0);
    assertThat(v.valid()).isFalse();
    assertThat(v.scheduleLag().percentile()).isEqualTo(90);
    assertThat(v.scheduleLag().valueMs()).isEqualTo(5.0);
    assertThat(v.reasons().get(0))
        .startsWith(
            "p90 schedule lag 5.000 ms (100 requests) exceeds "
                + "--max-schedule-lag-ms 1 and 10% of the median TTFT (5.0 ms)")
        .contains("raise --max-schedule-lag-ms or --max-schedule-lag-share");
    // a share such as 0.07 reads as 7%, not as 100 x 0.07 in binary floating point
    assertThat(
            Validity.assess(schedule(5, 0.05, 12, 5), new Thresholds(1.0, 0.07, 0.99), 0)
                .reasons()
                .get(0))
        .contains("exceeds --max-schedule-lag-ms 1 and 7% of the median TTFT (5.0 ms)");
  }

  @Test
  void aFewStragglersDoNotDecideTheRun() {
    // 2 of 100 requests 5 ms late: p99 is 5 ms, but the gate judges p90, which 100 requests support
    ValidityReport v = Validity.assess(schedule(5, 0.05, 2, 5), Validity.defaults(), 0);
    assertThat(v.p99ScheduleLagMs()).isEqualTo(5.0);
    assertThat(v.valid()).isTrue();
  }

  @Test
  void lagSmallAgainstTheMeasuredTtftIsAWarning() {
    // TTFT 500 ms: 5 ms of lag is 1% of it, within the default 10% share
    ValidityReport warned = Validity.assess(schedule(500, 0.05, 12, 5), Validity.defaults(), 0);
    assertThat(warned.valid()).isTrue();
    assertThat(warned.scheduleLag().verdict()).isEqualTo("warning");
    assertThat(warned.scheduleLag().limitMs()).isCloseTo(50.0, within(0.01));
    assertThat(warned.warnings().get(0))
        .contains(
            "is 1.0% of the median TTFT (500.0 ms), within --max-schedule-lag-share 0.1");
    // 60 ms is more than 10% of 500 ms
    assertThat(Validity.assess(schedule(500, 0.05, 12, 60), Validity.defaults(), 0).valid())
        .isFalse();
    // with the share set to 0 only the absolute gate counts
    assertThat(
            Validity.assess(schedule(500, 0.05, 12, 5), new Thresholds(1.0, 0.0, 0.99), 0).valid())
        .isFalse();
  }

  @Test
  void achievedBelowNinetyNinePercentInvalidates() {
    // the last request arrives 20 ms late: 100 requests over 1.02 s -> 98.04 % of offered
    List<RequestOutcome> rs = schedule(5, 0.0, 0, 0);
    rs.set(99, arrivedAt(rs.get(99), 1020));
    ValidityReport v = Validity.assess(rs, new Thresholds(100, 0.05, 0.99), 0);
    assertThat(v.valid()).isFalse();
    assertThat(v.achievedRatio()).isCloseTo(1000 / 1020.0, within(1e-9));
    assertThat(v.reasons().get(0))
        .contains("of the offered 100.00 req/s")
        .contains("--min-achieved-ratio");
  }

  @Test
  void failuresAreFlaggedSeparatelyFromValidity() {
    List<RequestOutcome> rs = schedule(5, 0.0, 0, 0);
    rs.set(50, arrivedAt(failed(50, "m", 510, 510, "HTTP 500: boom"), 510));
    ValidityReport v = Validity.assess(rs, Validity.defaults(), 0);
    assertThat(v.valid()).isTrue();
    assertThat(v.hasFailures()).isTrue();
    assertThat(v.failureRate()).isEqualTo(0.01);
    assertThat(v.errors()).containsEntry("HTTP 500: boom", 1L);
  }

  @Test
  void closedLoopHasNoRateGate() {
    List<RequestOutcome> rs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      rs.add(arrivedAt(ok(i, "m", null, 0, 0, 5, new double[] {}, 1, 1), 0.01));
    }
    ValidityReport v = Validity.assess(rs, Validity.defaults(), 3);
    assertThat(v.openLoop()).isFalse();
    assertThat(v.offeredRate()).isNull();
    assertThat(v.valid()).isTrue();
    assertThat(v.warnings()).anyMatch(w -> w.contains("3 requests waited for a pooled connection"));
  }
}
