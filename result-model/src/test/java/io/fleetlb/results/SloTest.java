package io.fleetlb.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One SLO syntax (vLLM's --goodput), the deprecated spellings with a note, and the goodput rule.
 */
class SloTest {
  @Test
  void vllmsSyntaxOnePairPerArgument() {
    Slo.Parsed p = Slo.parse(List.of("ttft:2000", "tpot:100"), "--goodput");
    assertThat(p.slo()).isEqualTo(new Slo(2000.0, 100.0, null));
    assertThat(p.deprecation()).isNull();
    assertThat(p.slo().text()).isEqualTo("ttft:2000 tpot:100");
    assertThat(p.slo().args()).containsExactly("ttft:2000", "tpot:100");
    assertThat(p.slo().describe()).isEqualTo("TTFT \u2264 2000 ms, TPOT \u2264 100 ms");
    assertThat(Slo.parse(List.of("e2el:5000", "ttft:250.5"), "--goodput").slo())
        .isEqualTo(new Slo(250.5, null, 5000.0));
  }

  @Test
  void theOldSpellingsStillWorkWithANote() {
    Slo.Parsed commas = Slo.parse(List.of("ttft:1000,tpot:50"), "--goodput");
    assertThat(commas.slo()).isEqualTo(new Slo(1000.0, 50.0, null));
    assertThat(commas.deprecation())
        .isEqualTo(
            "--goodput ttft:1000,tpot:50 is deprecated: write --goodput ttft:1000 "
                + "tpot:50 (one KEY:MS per argument, as vllm bench serve takes them)");
    Slo.Parsed quoted = Slo.parse(List.of("ttft:2000 tpot:100"), "--goodput");
    assertThat(quoted.slo()).isEqualTo(new Slo(2000.0, 100.0, null));
    assertThat(quoted.deprecation()).contains("is deprecated");
  }

  @Test
  void badPairsAreNamedWithVllmsMessages() {
    assertThatThrownBy(() -> Slo.parse(List.of("ttft=5"), "--goodput"))
        .hasMessageStartingWith(
            "--goodput 'ttft=5': specify service level objectives as KEY:VALUE pairs");
    assertThatThrownBy(() -> Slo.parse(List.of("itl:5"), "--goodput"))
        .hasMessageContaining("invalid metric name 'itl'");
    assertThatThrownBy(() -> Slo.parse(List.of("ttft:abc"), "--goodput"))
        .hasMessageContaining("'ttft:abc'");
    assertThatThrownBy(() -> Slo.parse(List.of("ttft:-1"), "--goodput"))
        .hasMessageContaining("non-negative");
    assertThatThrownBy(() -> Slo.parse(List.of("ttft:1", "ttft:2"), "--goodput"))
        .hasMessageContaining("given twice");
    assertThatThrownBy(() -> Slo.parse(List.of(" "), "--goodput"))
        .hasMessageContaining("at least one KEY:MS pair");
  }

  @Test
  void aRequestIsGoodWhenEveryLimitHoldsAndOneTokenCountsTpotAsZero() {
    Slo slo = new Slo(100.0, 10.0, null);
    assertThat(slo.isGood(100, 10, 500)).isTrue(); // a value equal to its limit is good
    assertThat(slo.isGood(100.5, 1, 500)).isFalse();
    assertThat(slo.isGood(50, Double.NaN, 50)).isTrue();
    assertThat(new Slo(null, null, 400.0).isGood(1, 1, 401)).isFalse();
  }

  @Test
  void recordedAsMillisecondsWithoutTheLimitsNotSet() throws Exception {
    ObjectMapper m = new ObjectMapper();
    assertThat(m.writeValueAsString(new Slo(2000.0, 100.0, null)))
        .isEqualTo("{\"ttft_ms\":2000.0,\"tpot_ms\":100.0}");
    assertThat(m.readValue("{\"ttft_ms\":2000,\"e2el_ms\":9}", Slo.class))
        .isEqualTo(new Slo(2000.0, null, 9.0));
  }
}
