package io.fleetlb.bench.metrics;

import static io.fleetlb.bench.metrics.Outcomes.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fleetlb.results.PerSecondSeries;
import io.fleetlb.results.SteadyStateFigures;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeriesAndWindowTest {
  // A: scheduled 0.2 s, tokens at 0.5 s and 1.2 s (2 tokens); B: scheduled 1.5 s, tokens at 1.6,
  // 1.7, 2.4 s (3 tokens)
  static final List<RequestOutcome> RUN =
      List.of(
          ok(0, "m", "r1", 200, 200, 500, new double[] {700}, 2, 1),
          ok(1, "m", "r2", 1500, 1500, 1600, new double[] {100, 700}, 6, 1));

  @Test
  void perSecondSeries() {
    PerSecondSeries ts = TimeSeries.perSecond(RUN, 2.5);
    assertThat(ts.tS()).containsExactly(0, 1, 2);
    assertThat(ts.offered()).containsExactly(1, 1, 0);
    assertThat(ts.sent()).containsExactly(1, 1, 0);
    // done = last token + 0.5 ms: A at 1.2005 s, B at 2.4005 s
    assertThat(ts.completed()).containsExactly(0, 1, 1);
    // B reports 6 tokens over 3 events, 2 per event: second 1 holds A's second token and B's first
    // two events
    assertThat(ts.outputTokens()).containsExactly(1, 5, 2);
    // in flight: A [0.2, 1.2005), B [1.5, 2.4005)
    assertThat(ts.inFlightMean()[0]).isCloseTo(0.8, within(1e-9));
    assertThat(ts.inFlightMean()[1]).isCloseTo(0.2005 + 0.5, within(1e-9));
    assertThat(ts.ttftP50Ms().get(0)).isCloseTo(300, within(0.5));
    assertThat(ts.ttftP50Ms().get(2)).isNull();
    assertThat(Arrays.stream(ts.completedPerReplica().get("r2")).boxed().toList())
        .containsExactly(0.0, 0.0, 1.0);
  }

  @Test
  void steadyStateWindowCountsWhatHappenedInside() {
    SteadyStateFigures s =
        SteadyState.compute(RUN, 1_000_000_000L, 2_000_000_000L, List.of(50.0), null);
    assertThat(s.requests()).isEqualTo(1); // only B is scheduled in [1 s, 2 s)
    assertThat(s.offeredRate()).isEqualTo(1.0);
    assertThat(s.requestThroughput()).isEqualTo(1.0); // A finished at 1.2005 s, B after 2 s
    assertThat(s.achievedRate()).isEqualTo(1.0);
    // tokens emitted in [1,2): A's second token (1) and B's first two events (2 each)
    assertThat(s.outputThroughput()).isCloseTo(5.0, within(1e-9));
    assertThat(s.stats().get("median_ttft_ms")).isCloseTo(100.0, within(1e-9));
    assertThat(s.requestGoodput()).isNull();
  }

  @Test
  void emptyWindowSaysSo() {
    SteadyStateFigures s =
        SteadyState.compute(RUN, 2_000_000_000L, 1_000_000_000L, List.of(50.0), null);
    assertThat(s.error()).contains("empty window");
    assertThat(s.requests()).isNull();
  }
}
