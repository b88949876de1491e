package io.fleetlb.bench.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetlb.bench.BenchVertx;
import io.fleetlb.bench.metrics.RequestOutcome;
import io.fleetlb.bench.metrics.Validity;
import io.fleetlb.bench.report.ResultBuilder;
import io.fleetlb.bench.workload.WorkloadRequest;
import io.fleetlb.results.SessionFigures;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Multi-turn sessions replayed against a scripted upstream on loopback: open loop across sessions,
 * closed within one. Only the order of events is asserted, never how fast they happened.
 */
class SessionReplayTest {
  static Vertx client;
  static ScriptedUpstream scripted;

  @BeforeAll
  static void start() throws Exception {
    client = BenchVertx.create(2);
    scripted = new ScriptedUpstream();
  }

  @AfterAll
  static void stop() {
    scripted.close();
    client.close();
  }

  /** Sessions of {@code turns} turns, one per model, started 1 ms apart, 20 ms think time. */
  static List<WorkloadRequest> sessions(int turns, String... models) {
    List<WorkloadRequest> rs = new ArrayList<>();
    for (int s = 0; s < models.length; s++) {
      for (int t = 0; t < turns; t++) {
        String body =
            "{\"model\":\""
                + models[s]
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"turn "
                + t
                + "\"}],\"stream\":true}";
        rs.add(
            new WorkloadRequest(
                rs.size(),
                s * 1_000_000L,
                models[s],
                "/v1/chat/completions",
                null,
                1,
                3,
                body.getBytes(),
                new WorkloadRequest.Turn(s, t, t == 0 ? 0 : 20_000_000L)));
      }
    }
    return rs;
  }

  @Test
  void aTurnIsSentOnlyAfterThePreviousOneEndedPlusItsThinkTime() throws Exception {
    List<WorkloadRequest> requests = sessions(3, "ok", "slow", "http500");
    ReplayEngine.Recording rec;
    try (ReplayEngine e =
        new ReplayEngine(client, ReplayOptions.defaults("127.0.0.1", scripted.port()))) {
      rec = e.run(requests);
    }
    List<RequestOutcome> o = rec.outcomes();
    assertThat(o).hasSize(9).allSatisfy(r -> assertThat(r.arrivalNs()).isGreaterThanOrEqualTo(0));
    for (int i = 0; i < o.size(); i++) {
      RequestOutcome r = o.get(i);
      assertThat(r.sessionId()).isEqualTo(i / 3);
      assertThat(r.turnIndex()).isEqualTo(i % 3);
      if (r.turnIndex() == 0) {
        assertThat(r.scheduledNs()).isEqualTo(requests.get(i).offsetNanos());
        assertThat(r.afterFailedTurn()).isFalse();
        continue;
      }
      RequestOutcome previous = o.get(i - 1);
      long due = previous.doneNs() + 20_000_000L;
      // closed within the session: due at the previous turn's end plus the think time, not before
      assertThat(r.scheduledNs()).isEqualTo(due);
      assertThat(r.arrivalNs()).isGreaterThanOrEqualTo(due);
      assertThat(r.startNs()).isGreaterThanOrEqualTo(due);
      assertThat(r.scheduleLagNs()).isGreaterThanOrEqualTo(0);
      // a failed turn does not stop the session: the next one is sent and flagged
      assertThat(r.afterFailedTurn()).isEqualTo(!previous.success());
    }
    assertThat(o.subList(0, 6)).allSatisfy(r -> assertThat(r.success()).isTrue());
    assertThat(o.subList(6, 9)).allSatisfy(r -> assertThat(r.success()).isFalse());

    SessionFigures f = ResultBuilder.sessions(o);
    assertThat(f).isEqualTo(new SessionFigures(3, 9, 6, 3, 2));
    // open loop across sessions: the offered rate counts the three session starts over 2 ms
    assertThat(Validity.offeredRate(o)).isEqualTo(3 / 0.002);
  }

  @Test
  void singleRequestsHaveNoSessionBlock() throws Exception {
    try (ReplayEngine e =
        new ReplayEngine(client, ReplayOptions.defaults("127.0.0.1", scripted.port()))) {
      ReplayEngine.Recording rec = e.run(ReplayEngineTest.requests("ok", "ok"));
      assertThat(ResultBuilder.sessions(rec.outcomes())).isNull();
      assertThat(rec.outcomes()).allSatisfy(r -> assertThat(r.sessionId()).isNull());
    }
  }

  @Test
  void turnsOutOfOrderAreRefused() throws Exception {
    List<WorkloadRequest> rs = new ArrayList<>(sessions(2, "ok"));
    rs.remove(0);
    try (ReplayEngine e =
        new ReplayEngine(client, ReplayOptions.defaults("127.0.0.1", scripted.port()))) {
      assertThatThrownBy(() -> e.run(rs))
          .hasMessageContaining("session 0 turn 1")
          .hasMessageContaining("must come in order from 0");
    }
  }
}
