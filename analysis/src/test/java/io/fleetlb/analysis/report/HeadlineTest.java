package io.fleetlb.analysis.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetlb.analysis.SyntheticRun;
import io.fleetlb.analysis.compare.AbAnalysis;
import io.fleetlb.analysis.compare.Comparison;
import io.fleetlb.analysis.input.Run;
import io.fleetlb.results.Slo;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The one-sentence headline leads with the metric the comparison is about and the steady-state
 * rate, says what happened with the interval, calls an insignificant change so, and says loudly
 * when it cannot be trusted.
 */
class HeadlineTest {
  static Comparison compare(List<Run> b, List<Run> m) {
    return compare(b, m, 0, Comparison.DEFAULT_HEADLINE);
  }

  static Comparison compare(List<Run> b, List<Run> m, double minEffect, String headline) {
    return new AbAnalysis(
            new Comparison.Settings(
                3, 300, new Slo(150.0, null, null), "--goodput", 0, minEffect, headline))
        .compare(b, m, null);
  }

  static double noise(int i) {
    return 20 * Math.sin(i * 12.9898) * Math.sin(i * 78.233);
  }

  @Test
  void aCutWithItsIntervalAndTheSteadyStateRate() {
    List<Run> b =
        List.of(
            SyntheticRun.of(200).ttft(i -> 100 + noise(i) + (i % 10 == 0 ? 300 : 0)).build(),
            SyntheticRun.of(200).ttft(i -> 101 + noise(i) + (i % 10 == 0 ? 290 : 0)).build());
    List<Run> m =
        List.of(
            SyntheticRun.of(200).ttft(i -> 100 + noise(i)).build(),
            SyntheticRun.of(200).ttft(i -> 99 + noise(i)).build());
    String h = Headline.of(compare(b, m));
    assertThat(h)
        .matches(
            "managed cut p99 TTFT by \\d+% \\[95% CI \\d+\u2013\\d+%\\] versus baseline;"
                + " steady-state output throughput showed no significant difference"
                + " \\([-+]?\\d\\.\\d%, 95% CI .*\\); requests within the SLO up from 90.00% to"
                + " 100.0% \\(TTFT \u2264 150 ms\\)\\.");
  }

  @Test
  void anInsignificantLeadIsCalledNoSignificantDifference() {
    List<Run> b = List.of(SyntheticRun.of(100).ttft(i -> 100 + noise(i)).build());
    List<Run> m = List.of(SyntheticRun.of(100).ttft(i -> 100 + noise(i + 7)).build());
    assertThat(Headline.of(compare(b, m)))
        .matches(
            "managed made no significant difference to p99 TTFT \\([-+]?\\d.*%, "
                + "95% CI -.*% to \\+.*%\\) versus baseline;.*");
  }

  @Test
  void theLeadMetricCanBeChosen() {
    List<Run> b = List.of(SyntheticRun.of(100).ttft(i -> 200 + noise(i)).build());
    List<Run> m = List.of(SyntheticRun.of(100).ttft(i -> 100 + noise(i)).build());
    assertThat(Headline.of(compare(b, m, 0, "p50_ttft_ms")))
        .startsWith("managed cut p50 TTFT by 50% [95% CI");
  }

  @Test
  void throughputIsTheSteadyStateRateNotTheDrainTail() {
    // the managed runs finish their drain sooner (whole-run throughput up) but produce less while
    // traffic
    // arrives: 10 tokens per answer instead of 11 at the same pace
    List<Run> b =
        List.of(
            SyntheticRun.of(100).duration(12).build(), SyntheticRun.of(100).duration(12.1).build());
    List<Run> m =
        List.of(
            SyntheticRun.of(100).duration(10).usageTokens(10).build(),
            SyntheticRun.of(100).duration(10.1).usageTokens(10).build());
    Comparison c = compare(b, m);
    assertThat(c.metric("output_throughput").delta()).isPositive();
    assertThat(Headline.of(c))
        .contains("steady-state output throughput down 9.1% [95% CI 9.1\u20139.1%]")
        .doesNotContain("whole-run");
  }

  @Test
  void aRiseIsWorseAndAnInvalidComparisonSaysSoFirst() {
    List<Run> b = List.of(SyntheticRun.of(100).ttft(i -> 100 + noise(i)).build());
    List<Run> m = List.of(SyntheticRun.of(100).ttft(i -> 130 + noise(i)).invalid().build());
    String h = Headline.of(compare(b, m));
    assertThat(h)
        .startsWith(
            "INVALID COMPARISON (1 reason listed with it), read with care: managed raised p99 TTFT"
                + " by");
  }

  @Test
  void aTinySignificantChangeUnderTheMarginIsNoPracticalDifference() {
    // the same pace, 1% fewer tokens per answer: significant, but under the 2% margin
    List<Run> b =
        List.of(
            SyntheticRun.of(100).usageTokens(100).build(),
            SyntheticRun.of(100).usageTokens(100).build());
    List<Run> m =
        List.of(
            SyntheticRun.of(100).usageTokens(99).build(),
            SyntheticRun.of(100).usageTokens(99).build());
    assertThat(Headline.of(compare(b, m, 2, Comparison.DEFAULT_HEADLINE)))
        .contains(
            "steady-state output throughput showed no practical difference (-1.0%, 95% CI -1.0% to"
                + " -1.0%; under the 2% margin)");
  }

  @Test
  void anSloShareThatMovedWithoutSignificanceShowsBothFigures() {
    // 1 in 20 requests over the 150 ms SLO in the baseline, 1 in 25 in the managed arm: a small
    // difference resting on a handful of requests
    List<Run> b =
        List.of(SyntheticRun.of(100).ttft(i -> i % 20 == 0 ? 400 : 100 + noise(i)).build());
    List<Run> m =
        List.of(SyntheticRun.of(100).ttft(i -> i % 25 == 0 ? 400 : 100 + noise(i)).build());
    assertThat(Headline.of(compare(b, m)))
        .contains(
            "requests within the SLO 95.00% and 96.00%, no significant difference (TTFT \u2264 150"
                + " ms)");
  }
}
