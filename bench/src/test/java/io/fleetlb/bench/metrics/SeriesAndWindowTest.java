package io.fleetlb.bench.metrics;

import static io.fleetlb.bench.metrics.Outcomes.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeriesAndWindowTest {
  // A: scheduled 0.2 s, tokens at 0.5 s and 1.2 s (2 tokens); B: scheduled 1.5 s, tokens at 1.6, 1.7, 2.4 s (3 tokens)
  static final List<RequestOutcome> RUN = List.of(
      ok(0, "m", "r1", 200, 200, 500, new double[] {700}, 2, 1),
      ok(1, "m", "r2", 1500, 1500, 1600, new double[] {100, 700}, 6, 1));

  @Test
  void perSecondSeries() {
    ObjectNode ts = TimeSeries.perSecond(RUN, 2.5);
    assertThat(ts.path("t_s").size()).isEqualTo(3);
    assertThat(ts.path("offered").toString()).isEqualTo("[1,1,0]");
    assertThat(ts.path("sent").toString()).isEqualTo("[1,1,0]");
    // done = last token + 0.5 ms: A at 1.2005 s, B at 2.4005 s
    assertThat(ts.path("completed").toString()).isEqualTo("[0,1,1]");
    // B reports 6 tokens over 3 events, 2 per event: second 1 holds A's second token and B's first two events
    assertThat(ts.path("output_tokens").toString()).isEqualTo("[1,5,2]");
    // in flight: A [0.2, 1.2005), B [1.5, 2.4005)
    assertThat(ts.path("in_flight_mean").get(0).asDouble()).isCloseTo(0.8, within(1e-9));
    assertThat(ts.path("in_flight_mean").get(1).asDouble()).isCloseTo(0.2005 + 0.5, within(1e-9));
    assertThat(ts.path("ttft_p50_ms").get(0).asDouble()).isCloseTo(300, within(0.5));
    assertThat(ts.path("ttft_p50_ms").get(2).isNull()).isTrue();
    assertThat(ts.path("completed_per_replica").path("r2").toString()).isEqualTo("[0,0,1]");
  }

  @Test
  void steadyStateWindowCountsWhatHappenedInside() {
    ObjectNode s = SteadyState.compute(RUN, 1_000_000_000L, 2_000_000_000L, List.of(50.0), Goodput.none());
    assertThat(s.path("requests").asInt()).isEqualTo(1); // only B is scheduled in [1 s, 2 s)
    assertThat(s.path("offered_rate").asDouble()).isEqualTo(1.0);
    assertThat(s.path("request_throughput").asDouble()).isEqualTo(1.0); // A finished at 1.2005 s, B after 2 s
    assertThat(s.path("achieved_rate").asDouble()).isEqualTo(1.0);
    // tokens emitted in [1,2): A's second token (1) and B's first two events (2 each)
    assertThat(s.path("output_throughput").asDouble()).isCloseTo(5.0, within(1e-9));
    assertThat(s.path("median_ttft_ms").asDouble()).isCloseTo(100.0, within(1e-9));
  }

  @Test
  void emptyWindowSaysSo() {
    ObjectNode s = SteadyState.compute(RUN, 2_000_000_000L, 1_000_000_000L, List.of(50.0), Goodput.none());
    assertThat(s.path("error").asText()).contains("empty window");
  }
}
