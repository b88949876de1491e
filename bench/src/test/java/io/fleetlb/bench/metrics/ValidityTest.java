package io.fleetlb.bench.metrics;

import static io.fleetlb.bench.metrics.Outcomes.arrivedAt;
import static io.fleetlb.bench.metrics.Outcomes.failed;
import static io.fleetlb.bench.metrics.Outcomes.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValidityTest {
  /** 100 requests scheduled every 10 ms (100 req/s), each arriving {@code lagMs} late. */
  static List<RequestOutcome> schedule(double lagMs, int lateCount, double lateByMs) {
    List<RequestOutcome> rs = new ArrayList<>();
    for (int i = 1; i <= 100; i++) {
      double t = i * 10.0;
      RequestOutcome r = ok(i - 1, "m", "r", t, t, t + 5, new double[] {1}, 2, 1);
      double lag = i > 100 - lateCount ? lateByMs : lagMs;
      rs.add(arrivedAt(r, t + lag));
    }
    return rs;
  }

  @Test
  void punctualRunIsValid() {
    ObjectNode v = Validity.assess(schedule(0.05, 0, 0), Validity.Thresholds.defaults(), 0);
    assertThat(v.path("valid").asBoolean()).isTrue();
    assertThat(v.path("open_loop").asBoolean()).isTrue();
    assertThat(v.path("offered_rate").asDouble()).isCloseTo(100.0, within(1e-9));
    assertThat(v.path("achieved_rate").asDouble()).isCloseTo(100 / 1.00005, within(1e-6));
    assertThat(v.path("has_failures").asBoolean()).isFalse();
  }

  @Test
  void p99LagOverOneMillisecondInvalidates() {
    // 2 of 100 requests 5 ms late: p99 lies between them -> 5 ms
    ObjectNode v = Validity.assess(schedule(0.05, 2, 5), Validity.Thresholds.defaults(), 0);
    assertThat(v.path("valid").asBoolean()).isFalse();
    assertThat(v.path("reasons").get(0).asText()).contains("p99 schedule lag 5.000 ms exceeds 1.000 ms");
    // one late request in 100: p99 = 0.05 + (5 - 0.05) * 0.01 (virtual index 98.01), still valid
    ObjectNode one = Validity.assess(schedule(0.05, 1, 5), Validity.Thresholds.defaults(), 0);
    assertThat(one.path("p99_schedule_lag_ms").asDouble()).isCloseTo(0.0995, within(1e-9));
    assertThat(one.path("valid").asBoolean()).isTrue();
  }

  @Test
  void achievedBelowNinetyNinePercentInvalidates() {
    // the last request arrives 20 ms late: 100 requests over 1.02 s -> 98.04 % of offered
    List<RequestOutcome> rs = schedule(0.0, 0, 0);
    rs.set(99, arrivedAt(rs.get(99), 1020));
    ObjectNode v = Validity.assess(rs, new Validity.Thresholds(100, 0.99), 0);
    assertThat(v.path("valid").asBoolean()).isFalse();
    assertThat(v.path("achieved_ratio").asDouble()).isCloseTo(1000 / 1020.0, within(1e-9));
    assertThat(v.path("reasons").get(0).asText()).contains("of the offered 100.00 req/s");
  }

  @Test
  void failuresAreFlaggedSeparatelyFromValidity() {
    List<RequestOutcome> rs = schedule(0.0, 0, 0);
    rs.set(50, arrivedAt(failed(50, "m", 510, 510, "HTTP 500: boom"), 510));
    ObjectNode v = Validity.assess(rs, Validity.Thresholds.defaults(), 0);
    assertThat(v.path("valid").asBoolean()).isTrue();
    assertThat(v.path("has_failures").asBoolean()).isTrue();
    assertThat(v.path("failure_rate").asDouble()).isEqualTo(0.01);
    assertThat(v.path("errors").path("HTTP 500: boom").asInt()).isEqualTo(1);
  }

  @Test
  void closedLoopHasNoRateGate() {
    List<RequestOutcome> rs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      rs.add(arrivedAt(ok(i, "m", null, 0, 0, 5, new double[] {}, 1, 1), 0.01));
    }
    ObjectNode v = Validity.assess(rs, Validity.Thresholds.defaults(), 3);
    assertThat(v.path("open_loop").asBoolean()).isFalse();
    assertThat(v.path("offered_rate").isNull()).isTrue();
    assertThat(v.path("valid").asBoolean()).isTrue();
    assertThat(v.path("warnings").toString()).contains("3 requests waited for a pooled connection");
  }
}
