package io.fleetlb.bench.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** vLLM's summary of one metric: numpy's figures, and 0 everywhere for no values. */
class StatsTest {
  @Test
  void summaryHasNumpysFiguresUnderVllmsKeys() {
    Stats.Summary s = Stats.summarize(new double[] {4, 1, 3, 2}, List.of(50.0, 99.0));
    assertThat(s.count()).isEqualTo(4);
    assertThat(s.mean()).isEqualTo(2.5);
    assertThat(s.median()).isEqualTo(2.5);
    assertThat(s.percentile(99)).isEqualTo(3.9699999999999998);
    assertThat(s.min()).isEqualTo(1);
    assertThat(s.max()).isEqualTo(4);
    Map<String, Double> keys = new java.util.LinkedHashMap<>();
    s.putInto(keys, "ttft");
    assertThat(keys)
        .containsOnlyKeys(
            "mean_ttft_ms", "median_ttft_ms", "std_ttft_ms", "p50_ttft_ms", "p99_ttft_ms");
    assertThatThrownBy(() -> s.percentile(90)).hasMessageContaining("90");
  }

  @Test
  void emptyInputIsZeroEverywhereAsVllmReports() {
    Stats.Summary s = Stats.summarize(new double[0], List.of(99.0));
    assertThat(s.mean()).isZero();
    assertThat(s.median()).isZero();
    assertThat(s.std()).isZero();
    assertThat(s.percentile(99)).isZero();
  }
}
