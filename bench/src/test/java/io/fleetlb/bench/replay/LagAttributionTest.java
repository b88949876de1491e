package io.fleetlb.bench.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetlb.bench.workload.WorkloadRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a run's lag came from: pacer vs hand-off, the worst lags, second by second, the dump. */
class LagAttributionTest {
  private static final long MS = 1_000_000L;

  /** Requests due every 250 ms for 2.5 s; the one due at 1.5 s is 40 ms late, 30 of it the pacer. */
  private static List<RequestTracker> trackers() {
    List<RequestTracker> ts = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      long due = i * 250 * MS;
      RequestTracker t =
          new RequestTracker(
              new WorkloadRequest(i, due, "m", "/v1/completions", "c", 1, 1, new byte[0]), 0, 0);
      long lag = i == 6 ? 40 * MS : 100_000L;
      t.releasedNs = due + (i == 6 ? 30 * MS : 50_000L);
      t.arrivalNs = due + lag;
      ts.add(t);
    }
    return ts;
  }

  @Test
  void splitsPacerAndHandOffAndKeepsTheWorstWithTheirDueTimes() {
    LagAttribution a = LagAttribution.of(trackers(), 1_000 * MS);
    assertThat(a.pacerLate().getTotalCount()).isEqualTo(10);
    assertThat(a.pacerLate().getMaxValue()).isBetween(29 * MS, 31 * MS);
    assertThat(a.handOff().getMaxValue()).isBetween(9 * MS, 11 * MS);
    LagAttribution.Late worst = a.worst().get(0);
    assertThat(worst.lagNs()).isEqualTo(40 * MS);
    assertThat(worst.pacerLateNs()).isEqualTo(30 * MS);
    assertThat(worst.dueMonotonicNs()).isEqualTo(1_000 * MS + 1_500 * MS);
  }

  @Test
  void reportsTheLagSecondBySecond() {
    List<LagAttribution.Second> s = LagAttribution.of(trackers(), 0).bySecond();
    assertThat(s).extracting(LagAttribution.Second::second).containsExactly(0, 1, 2);
    assertThat(s).extracting(LagAttribution.Second::requests).containsExactly(4L, 4L, 2L);
    // the late request is due at 1.5 s: only second 1's maximum shows it
    assertThat(s.get(1).maxLagNs()).isBetween(39 * MS, 41 * MS);
    assertThat(s.get(0).maxLagNs()).isLessThan(MS);
    assertThat(s.get(2).maxLagNs()).isLessThan(MS);
    // p99 by nearest rank: of second 1's four lags (0.1, 0.1, 40, 0.1 ms) the largest
    assertThat(s.get(1).p99LagNs()).isEqualTo(40 * MS);
    assertThat(s.get(0).p99LagNs()).isEqualTo(100_000L);
  }

  @Test
  void leavesOutRequestsNeverReleasedAndEmptySeconds() {
    List<RequestTracker> ts = trackers();
    ts.get(4).releasedNs = -1; // due at 1.0 s, never released (the run was stopped)
    ts.get(5).arrivalNs = -1;
    ts.get(6).arrivalNs = -1;
    ts.get(7).arrivalNs = -1;
    List<LagAttribution.Second> s = LagAttribution.of(ts, 0).bySecond();
    // second 1 (1.0-1.75 s) has no request left; second 0 and 2 keep theirs
    assertThat(s).extracting(LagAttribution.Second::second).containsExactly(0, 2);
    assertThat(LagAttribution.of(ts, 0).pacerLate().getTotalCount()).isEqualTo(6);
  }

  @Test
  void dumpsEveryRequestOnTheMonotonicClockWhenAsked(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("lags.txt");
    LagAttribution.dump(trackers(), 5_000 * MS, f.toString());
    List<String> lines = Files.readAllLines(f);
    assertThat(lines).hasSize(11);
    assertThat(lines.get(0)).isEqualTo("# run t0=" + 5_000 * MS + " requests=10");
    // due, released, arrived (absolute nanoTime), loop
    assertThat(lines.get(7))
        .isEqualTo((5_000 + 1_500) * MS + " " + (5_000 + 1_530) * MS + " " + (5_000 + 1_540) * MS
            + " 0");
    LagAttribution.dump(trackers(), 0, "");
    assertThat(Files.readAllLines(f)).hasSize(11);
    // a second run is appended after its own header
    LagAttribution.dump(trackers(), 0, f.toString());
    assertThat(Files.readAllLines(f)).hasSize(22).element(11).asString().startsWith("# run t0=0");
  }
}
