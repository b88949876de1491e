package io.fleetlb.analysis.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetlb.analysis.SyntheticRun;
import io.fleetlb.analysis.input.InputException;
import io.fleetlb.analysis.input.Run;
import io.fleetlb.analysis.stats.Verdict;
import io.fleetlb.results.Slo;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The comparison on synthetic arms whose truth is known. */
class AbAnalysisTest {
  static final Comparison.Settings SETTINGS =
      new Comparison.Settings(7, 400, new Slo(1000.0, 50.0, null), 0);

  static Comparison compare(List<Run> b, List<Run> m) {
    return new AbAnalysis(SETTINGS).compare(b, m, null);
  }

  /** TTFT of request i in repetition rep: a heavy-tailed base per request plus per-run noise. */
  static double ttft(long seed, int i, double scale) {
    SplittableRandom r = new SplittableRandom(seed * 1_000_003L + i);
    return scale * 100 * Math.exp(0.8 * r.nextGaussian()) + 5 * r.nextDouble();
  }

  @Test
  void identicalArmsAreTheSameOnEveryMetric() {
    Run a = SyntheticRun.of(200).models("a", "b").ttft(i -> ttft(1, i, 1)).build();
    Run b = SyntheticRun.of(200).models("a", "b").ttft(i -> ttft(2, i, 1)).build();
    Comparison c = compare(List.of(a, b), List.of(a, b));
    assertThat(c.valid()).isTrue();
    assertThat(c.metrics())
        .isNotEmpty()
        .allSatisfy(
            r -> {
              assertThat(r.verdict()).as(r.key()).isEqualTo(Verdict.SAME);
              assertThat(r.delta()).as(r.key()).isZero();
            });
    assertThat(c.perModel()).containsOnlyKeys("a", "b");
  }

  @Test
  void aKnownShiftIsBetterOrWorseWithTheShiftInsideTheInterval() {
    List<Run> base =
        List.of(
            SyntheticRun.of(300).ttft(i -> ttft(1, i, 1)).build(),
            SyntheticRun.of(300).ttft(i -> ttft(2, i, 1)).build());
    List<Run> faster =
        List.of(
            SyntheticRun.of(300).ttft(i -> ttft(1, i, 1) - 40).build(),
            SyntheticRun.of(300).ttft(i -> ttft(2, i, 1) - 40).build());
    Comparison c = compare(base, faster);
    MetricResult p50 = c.metric("p50_ttft_ms");
    assertThat(p50.verdict()).isEqualTo(Verdict.BETTER);
    assertThat(p50.delta()).isCloseTo(-40, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(p50.ci95().contains(-40)).isTrue();
    assertThat(c.metric("mean_ttft_ms").verdict()).isEqualTo(Verdict.BETTER);
    // TPOT did not change: the same
    assertThat(c.metric("p99_tpot_ms").verdict()).isEqualTo(Verdict.SAME);
    PairedDeltas.Summary paired = c.paired().get(0);
    assertThat(paired.meanMs()).isCloseTo(-40, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(paired.fasterPct()).isEqualTo(100);

    Comparison reversed = compare(faster, base);
    assertThat(reversed.metric("p50_ttft_ms").verdict()).isEqualTo(Verdict.WORSE);
  }

  @Test
  void throughputIsBetterWhenTheSameWorkFinishesSooner() {
    List<Run> slow =
        List.of(
            SyntheticRun.of(100).duration(12).build(), SyntheticRun.of(100).duration(12.4).build());
    List<Run> quick =
        List.of(
            SyntheticRun.of(100).duration(10).build(), SyntheticRun.of(100).duration(10.2).build());
    Comparison c = compare(slow, quick);
    MetricResult t = c.metric("request_throughput");
    assertThat(t.baseline()).isCloseTo(200.0 / 24.4, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(t.verdict()).isEqualTo(Verdict.BETTER);
    assertThat(t.baselineReps()).containsExactly(100 / 12.0, 100 / 12.4);
  }

  @Test
  void noisyArmsWithoutARealDifferenceMostlyCoverZero() {
    // coverage: arms drawn independently from one distribution; a 95% interval should contain 0 in
    // most trials
    int covered = 0;
    int trials = 30;
    for (int t = 0; t < trials; t++) {
      long s = 100 + 4L * t;
      List<Run> b =
          List.of(
              SyntheticRun.of(150).ttft(i -> ttft(s, i, 1) + ttft(s + 1, i, 0.3)).build(),
              SyntheticRun.of(150).ttft(i -> ttft(s, i, 1) + ttft(s + 2, i, 0.3)).build());
      List<Run> m =
          List.of(
              SyntheticRun.of(150).ttft(i -> ttft(s, i, 1) + ttft(s + 3, i, 0.3)).build(),
              SyntheticRun.of(150).ttft(i -> ttft(s, i, 1) + ttft(s + 4, i, 0.3)).build());
      MetricResult r = compare(b, m).metric("mean_ttft_ms");
      covered += r.ci95().contains(0) ? 1 : 0;
    }
    assertThat(covered).as("intervals containing the true difference 0").isGreaterThanOrEqualTo(25);
  }

  @Test
  void sameSeedSameNumbersOtherSeedOtherDraws() {
    List<Run> b = List.of(SyntheticRun.of(120).ttft(i -> ttft(5, i, 1)).build());
    List<Run> m = List.of(SyntheticRun.of(120).ttft(i -> ttft(6, i, 0.8)).build());
    MetricResult x = compare(b, m).metric("p99_ttft_ms");
    MetricResult y = compare(b, m).metric("p99_ttft_ms");
    assertThat(y.ci95()).isEqualTo(x.ci95());
    MetricResult z =
        new AbAnalysis(new Comparison.Settings(8, 400, SETTINGS.slo(), 0))
            .compare(b, m, null)
            .metric("p99_ttft_ms");
    assertThat(z.ci95()).isNotEqualTo(x.ci95());
    assertThat(z.baseline()).isEqualTo(x.baseline());
  }

  @Test
  void differentWorkloadsAreRefused() {
    Run a = SyntheticRun.of(10).build();
    Run b = SyntheticRun.of(10).hash("b".repeat(64)).build();
    assertThatThrownBy(() -> compare(List.of(a), List.of(b)))
        .isInstanceOfSatisfying(InputException.class, e -> assertThat(e.isUsageError()).isTrue())
        .hasMessageContaining("different workloads")
        .hasMessageContaining("bbbbbbbbbbbb");
  }

  @Test
  void invalidRunsAndFailuresMakeTheComparisonInvalid() {
    Run ok = SyntheticRun.of(50).build();
    Comparison behind = compare(List.of(ok), List.of(SyntheticRun.of(50).invalid().build()));
    assertThat(behind.valid()).isFalse();
    assertThat(behind.reasons())
        .singleElement()
        .asString()
        .contains("managed repetition 1")
        .contains("schedule lag");

    Run failing = SyntheticRun.of(50).failing(i -> i % 10 == 0 ? 1 : 0).build();
    Comparison failed = compare(List.of(ok), List.of(failing));
    assertThat(failed.valid()).isFalse();
    assertThat(failed.reasons())
        .singleElement()
        .asString()
        .contains("5 of 50 requests failed")
        .contains("HTTP 503");
    assertThat(failed.metric("failure_rate").managed()).isEqualTo(10);
    assertThat(failed.metric("goodput_fraction").managed()).isEqualTo(90);

    Comparison tolerated =
        new AbAnalysis(new Comparison.Settings(7, 200, SETTINGS.slo(), 0.2))
            .compare(List.of(ok), List.of(failing), null);
    assertThat(tolerated.valid()).isTrue();
    assertThat(tolerated.warnings()).anyMatch(w -> w.contains("5 of 50 requests failed"));
  }

  @Test
  void goodputCountsRequestsWithinEverySlo() {
    // TTFT 100..1090 ms against a 1000 ms SLO: indices 0..90 are good (91 of 100)
    Run b = SyntheticRun.of(100).duration(10).ttft(i -> 100 + 10 * i).build();
    Comparison c = compare(List.of(b), List.of(b));
    assertThat(c.metric("goodput_fraction").baseline()).isEqualTo(91);
    assertThat(c.metric("goodput").baseline())
        .isCloseTo(9.1, org.assertj.core.data.Offset.offset(1e-12));
  }
}
