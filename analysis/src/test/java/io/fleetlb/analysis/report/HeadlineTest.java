package io.fleetlb.analysis.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetlb.analysis.SyntheticRun;
import io.fleetlb.analysis.compare.AbAnalysis;
import io.fleetlb.analysis.compare.Comparison;
import io.fleetlb.analysis.input.Run;
import io.fleetlb.analysis.input.Slo;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one-sentence headline says what happened, with the interval, and says loudly when it cannot be trusted. */
class HeadlineTest {
  static Comparison compare(List<Run> b, List<Run> m) {
    return new AbAnalysis(new Comparison.Settings(3, 300, new Slo(150.0, null, null), false, 0)).compare(b, m, null);
  }

  static double noise(int i) {
    return 20 * Math.sin(i * 12.9898) * Math.sin(i * 78.233);
  }

  @Test
  void aCutWithItsIntervalAndUnchangedThroughput() {
    List<Run> b = List.of(SyntheticRun.of(200).ttft(i -> 100 + noise(i) + (i % 10 == 0 ? 300 : 0)).build(),
        SyntheticRun.of(200).ttft(i -> 101 + noise(i) + (i % 10 == 0 ? 290 : 0)).build());
    List<Run> m = List.of(SyntheticRun.of(200).ttft(i -> 100 + noise(i)).build(),
        SyntheticRun.of(200).ttft(i -> 99 + noise(i)).build());
    String h = Headline.of(compare(b, m));
    assertThat(h).matches("managed cut p99 TTFT by \\d+% \\[95% CI \\d+\u2013\\d+%\\] versus baseline; "
        + "output throughput unchanged \\(0\\.0%, 95% CI .*\\); requests within the SLO up from 90.00% to 100.0% "
        + "\\(TTFT \u2264 150 ms\\)\\.");
  }

  @Test
  void aRiseIsWorseAndAnInvalidComparisonSaysSoFirst() {
    List<Run> b = List.of(SyntheticRun.of(100).ttft(i -> 100 + noise(i)).build());
    List<Run> m = List.of(SyntheticRun.of(100).ttft(i -> 130 + noise(i)).invalid().build());
    String h = Headline.of(compare(b, m));
    assertThat(h).startsWith("INVALID COMPARISON (1 reason listed with it), read with care: managed raised p99 TTFT by");
  }

  @Test
  void aTinySignificantThroughputChangeIsCalledImmaterial() {
    List<Run> b = List.of(SyntheticRun.of(100).duration(10).build(), SyntheticRun.of(100).duration(10.01).build());
    List<Run> m = List.of(SyntheticRun.of(100).duration(10.02).build(), SyntheticRun.of(100).duration(10.03).build());
    assertThat(Headline.of(compare(b, m))).contains("output throughput within 1% (-0.2%)");
  }

  @Test
  void anSloShareThatMovedWithoutSignificanceShowsBothFigures() {
    // 1 in 20 requests over the 150 ms SLO in the baseline, 1 in 25 in the managed arm: a small
    // difference resting on a handful of requests
    List<Run> b = List.of(SyntheticRun.of(100).ttft(i -> i % 20 == 0 ? 400 : 100 + noise(i)).build());
    List<Run> m = List.of(SyntheticRun.of(100).ttft(i -> i % 25 == 0 ? 400 : 100 + noise(i)).build());
    assertThat(Headline.of(compare(b, m)))
        .contains("requests within the SLO 95.00% and 96.00%, no significant difference (TTFT \u2264 150 ms)");
  }
}
