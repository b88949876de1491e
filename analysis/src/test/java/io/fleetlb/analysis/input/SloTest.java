package io.fleetlb.analysis.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** --slo parsing and the goodput rule. */
class SloTest {
  @Test
  void parsesAnySubsetWithCommasOrSpaces() {
    assertThat(Slo.parse("ttft:2000,tpot:100")).isEqualTo(new Slo(2000.0, 100.0, null));
    assertThat(Slo.parse("e2el:5000 ttft:250.5")).isEqualTo(new Slo(250.5, null, 5000.0));
    assertThat(Slo.parse("ttft:2000,tpot:100").text()).isEqualTo("ttft:2000,tpot:100");
  }

  @Test
  void rejectsBadPairsWithTheValue() {
    assertThatThrownBy(() -> Slo.parse("ttft=5")).hasMessageContaining("'ttft=5' is not KEY:MS");
    assertThatThrownBy(() -> Slo.parse("itl:5")).hasMessageContaining("unknown metric 'itl'");
    assertThatThrownBy(() -> Slo.parse("ttft:abc")).hasMessageContaining("'abc' is not a number");
    assertThatThrownBy(() -> Slo.parse("ttft:-1")).hasMessageContaining("positive");
    assertThatThrownBy(() -> Slo.parse("ttft:1,ttft:2")).hasMessageContaining("given twice");
  }

  @Test
  void aRequestIsGoodWhenEveryLimitHoldsAndOneTokenCountsTpotAsZero() {
    Slo slo = new Slo(100.0, 10.0, null);
    RequestRecord ok = new RequestRecord(0, "m", null, true, null, 100, 10, 500, 100, 500, 5, 1, new double[0]);
    RequestRecord slowFirst = new RequestRecord(0, "m", null, true, null, 100.5, 1, 500, 100, 500, 5, 1, new double[0]);
    RequestRecord oneToken = new RequestRecord(0, "m", null, true, null, 50, Double.NaN, 50, 50, 50, 1, 1, new double[0]);
    RequestRecord failed = new RequestRecord(0, "m", null, false, "x", Double.NaN, Double.NaN, Double.NaN, Double.NaN,
        Double.NaN, 0, 0, new double[0]);
    assertThat(ok.meets(slo)).isTrue();
    assertThat(slowFirst.meets(slo)).isFalse();
    assertThat(oneToken.meets(slo)).isTrue();
    assertThat(failed.meets(slo)).isFalse();
  }
}
