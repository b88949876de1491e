package io.fleetlb.bench.metrics;

import static io.fleetlb.bench.metrics.Outcomes.failed;
import static io.fleetlb.bench.metrics.Outcomes.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fleetlb.results.GroupFigures;
import io.fleetlb.results.ModelBalance;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BreakdownsTest {
  /** Model a: 3 on r1, 1 on r2; model b: 2 on r3, one unattributed failure. */
  static List<RequestOutcome> run() {
    List<RequestOutcome> rs = new ArrayList<>();
    rs.add(ok(0, "a", "r1", 0, 0, 10, new double[] {1}, 2, 5));
    rs.add(ok(1, "a", "r1", 1, 1, 21, new double[] {1}, 2, 5));
    rs.add(ok(2, "a", "r1", 2, 2, 32, new double[] {1}, 2, 5));
    rs.add(ok(3, "a", "r2", 3, 3, 43, new double[] {1}, 2, 5));
    rs.add(ok(4, "b", "r3", 4, 4, 14, new double[] {1}, 2, 5));
    rs.add(ok(5, "b", "r3", 5, 5, 15, new double[] {1}, 2, 5));
    rs.add(failed(6, "b", 6, 6, "HTTP 429: busy"));
    return rs;
  }

  @Test
  void jainAndCvByHand() {
    // counts 3 and 1: (3+1)^2 / (2 * (9+1)) = 0.8; mean 2, std 1, cv 0.5
    assertThat(Breakdowns.jain(new double[] {3, 1})).isCloseTo(0.8, within(1e-12));
    assertThat(Breakdowns.cv(new double[] {3, 1})).isCloseTo(0.5, within(1e-12));
    assertThat(Breakdowns.jain(new double[] {5, 5, 5})).isEqualTo(1.0);
    assertThat(Breakdowns.jain(new double[] {6, 0, 0})).isCloseTo(1.0 / 3, within(1e-12));
    assertThat(Breakdowns.jain(new double[] {0, 0})).isEqualTo(1.0);
  }

  @Test
  void balancePerModelIncludesIdleReplicasKnownFromTelemetry() {
    Map<String, ModelBalance> b = Breakdowns.balance(run(), Map.of("r4", "b"));
    assertThat(b.get("a").replicas()).isEqualTo(2);
    assertThat(b.get("a").shares().get("r1")).isEqualTo(0.75);
    assertThat(b.get("a").jainIndex()).isCloseTo(0.8, within(1e-12));
    // model b: r3 has 2, r4 (idle, from telemetry) has 0; the unattributed failure is counted apart
    assertThat(b.get("b").replicas()).isEqualTo(2);
    assertThat(b.get("b").unattributed()).isEqualTo(1);
    assertThat(b.get("b").jainIndex()).isCloseTo(0.5, within(1e-12));
    assertThat(b.get("b").cv()).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void perModelAndPerReplicaShares() {
    List<RequestOutcome> rs = run();
    Map<String, GroupFigures> m =
        Breakdowns.byKey(rs, RequestOutcome::model, 1.0, List.of(50.0, 99.0), null);
    assertThat(m.get("a").requests()).isEqualTo(4);
    assertThat(m.get("a").share()).isCloseTo(4 / 7.0, within(1e-12));
    assertThat(m.get("b").failed()).isEqualTo(1);
    assertThat(m.get("a").stat("median_ttft_ms")).isCloseTo(19.5 + 5.5, within(1e-9));
    assertThat(m.get("a").model()).isNull();
    Map<String, GroupFigures> r = Breakdowns.perReplica(rs, Map.of(), 1.0, List.of(50.0), null);
    assertThat(r.get("r1").model()).isEqualTo("a");
    assertThat(r.get("r1").shareOfModel()).isEqualTo(0.75);
    assertThat(r.get("r2").shareOfModel()).isEqualTo(0.25);
    assertThat(r.get(Breakdowns.UNATTRIBUTED).requests()).isEqualTo(1);
  }
}
