package io.fleetlb.bench.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetlb.bench.BenchVertx;
import io.fleetlb.bench.metrics.RequestOutcome;
import io.fleetlb.bench.mock.MockConfig;
import io.fleetlb.bench.mock.MockUpstream;
import io.fleetlb.bench.workload.SettingsBuilder;
import io.fleetlb.bench.workload.Workload;
import io.fleetlb.bench.workload.WorkloadGenerator;
import io.fleetlb.bench.workload.WorkloadRequest;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * End-to-end replay against the built-in upstream and a scripted one (real sockets on loopback).
 */
class ReplayEngineTest {
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

  static List<WorkloadRequest> requests(String... models) {
    List<WorkloadRequest> rs = new ArrayList<>();
    for (int i = 0; i < models.length; i++) {
      String body =
          "{\"model\":\""
              + models[i]
              + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}";
      rs.add(
          new WorkloadRequest(
              i, i * 2_000_000L, models[i], "/v1/chat/completions", null, 1, 3, body.getBytes()));
    }
    return rs;
  }

  static Map<String, RequestOutcome> byModel(ReplayEngine.Recording rec) {
    return rec.outcomes().stream().collect(Collectors.toMap(RequestOutcome::model, o -> o));
  }

  @Test
  void streamsAreJudgedAsVllmJudgesThem() throws Exception {
    try (ReplayEngine e =
        new ReplayEngine(client, ReplayOptions.defaults("127.0.0.1", scripted.port()))) {
      ReplayEngine.Recording rec =
          e.run(
              requests(
                  "ok",
                  "split",
                  "comments",
                  "error-mid",
                  "no-done",
                  "no-tokens",
                  "http500",
                  "drop",
                  "json"));
      Map<String, RequestOutcome> o = byModel(rec);
      RequestOutcome ok = o.get("ok");
      assertThat(ok.success()).isTrue();
      assertThat(ok.tokenEvents()).isEqualTo(3);
      assertThat(ok.itlNs()).hasSize(2);
      assertThat(ok.completionTokens()).isEqualTo(3);
      assertThat(ok.promptTokens()).isEqualTo(11);
      assertThat(ok.doneMarker()).isTrue();
      assertThat(ok.replica()).isEqualTo("replica-ok");
      assertThat(ok.ttftNs())
          .isGreaterThanOrEqualTo(10_000_000L); // the script waits 10 ms before the first token
      assertThat(ok.lastTokenNs()).isGreaterThan(ok.firstTokenNs());
      assertThat(ok.scheduledNs()).isLessThanOrEqualTo(ok.arrivalNs());
      assertThat(ok.startNs()).isLessThanOrEqualTo(ok.sentNs());

      assertThat(o.get("split").success()).isTrue();
      assertThat(o.get("split").tokenEvents()).isEqualTo(3);
      assertThat(o.get("split").usageMissing()).isTrue();
      assertThat(o.get("split").doneMarker()).isFalse();
      assertThat(o.get("comments").tokenEvents()).isEqualTo(3);
      assertThat(o.get("comments").success()).isTrue();

      assertThat(o.get("error-mid").success()).isFalse();
      assertThat(o.get("error-mid").error())
          .isEqualTo("error in stream after 2 token events: KV cache exhausted (code 500)");
      assertThat(o.get("no-done").success()).isTrue();
      assertThat(o.get("no-done").doneMarker()).isFalse();
      assertThat(o.get("no-tokens").success()).isFalse();
      assertThat(o.get("no-tokens").error()).contains("without any token event");
      assertThat(o.get("http500").success()).isFalse();
      assertThat(o.get("http500").status()).isEqualTo(500);
      assertThat(o.get("http500").error()).isEqualTo("HTTP 500: engine crashed");
      assertThat(o.get("drop").success()).isFalse();
      assertThat(o.get("drop").error()).startsWith("connection lost after 1 token events");
      assertThat(o.get("json").success()).isFalse();
      assertThat(o.get("json").error()).contains("application/json, not an event stream");
      assertThat(rec.outcomes()).allMatch(x -> x.doneNs() >= x.startNs());
    }
  }

  @Test
  void requestTimeoutFailsTheRequestAndFreesItsSlot() throws Exception {
    ReplayOptions opts =
        ReplayOptions.defaults("127.0.0.1", scripted.port())
            .withRequestTimeoutNs(1_000_000_000L)
            .withMaxConcurrency(1);
    try (ReplayEngine e = new ReplayEngine(client, opts)) {
      Map<String, RequestOutcome> o = byModel(e.run(requests("hang", "ok")));
      assertThat(o.get("hang").success()).isFalse();
      assertThat(o.get("hang").error()).isEqualTo("timeout after 1.0 s");
      assertThat(o.get("ok").success()).isTrue(); // it got the slot the timed-out request released
    }
  }

  @Test
  void maxConcurrencyQueuesInsteadOfDropping() throws Exception {
    List<WorkloadRequest> rs = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      rs.add(
          new WorkloadRequest(
              i,
              0,
              "slow",
              "/v1/chat/completions",
              null,
              1,
              3,
              "{\"model\":\"slow\",\"stream\":true}".getBytes()));
    }
    scripted.maxInFlight.set(0);
    try (ReplayEngine e =
        new ReplayEngine(
            client, ReplayOptions.defaults("127.0.0.1", scripted.port()).withMaxConcurrency(3))) {
      ReplayEngine.Recording rec = e.run(rs);
      assertThat(rec.outcomes()).allMatch(RequestOutcome::success);
      assertThat(scripted.maxInFlight.get()).isEqualTo(3);
      // the last ones waited for slots: start (after the gate) is well after arrival
      assertThat(
              rec.outcomes().stream().mapToLong(x -> x.startNs() - x.arrivalNs()).max().orElse(0))
          .isGreaterThan(150_000_000L);
    }
  }

  @Test
  void aCappedPoolCountsEveryRequestThatHadToWait() throws Exception {
    List<WorkloadRequest> rs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      rs.add(
          new WorkloadRequest(
              i, 0, "slow", "/v1/chat/completions", null, 1, 3, "{\"model\":\"slow\"}".getBytes()));
    }
    try (ReplayEngine e =
        new ReplayEngine(
            client, ReplayOptions.defaults("127.0.0.1", scripted.port()).withMaxConnections(2))) {
      ReplayEngine.Recording rec = e.run(rs);
      assertThat(rec.poolWaits()).isEqualTo(3);
      assertThat(rec.outcomes()).allMatch(RequestOutcome::success);
    }
  }

  @Test
  void keepAliveConnectionsAreReusedUntilTheServerClosesThem() throws Exception {
    Vertx v = Vertx.vertx();
    try {
      var server =
          v.createHttpServer(
                  new io.vertx.core.http.HttpServerOptions()
                      .setIdleTimeout(1000)
                      .setIdleTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS))
              .requestHandler(
                  req ->
                      req.body()
                          .onSuccess(
                              b ->
                                  req.response()
                                      .setChunked(true)
                                      .putHeader("content-type", "text/event-stream")
                                      .end(
                                          "data:"
                                              + " {\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\n\n"
                                              + "data: [DONE]\n\n")))
              .listen(0, "127.0.0.1")
              .toCompletionStage()
              .toCompletableFuture()
              .get();
      List<WorkloadRequest> rs = new ArrayList<>();
      // margins wide enough for a loaded machine: the first exchange ends long before the second
      // is due, and the third comes well after the server's 1 s idle close
      long[] offsets = {0, 300_000_000L, 2_000_000_000L};
      for (int i = 0; i < 3; i++) {
        rs.add(
            new WorkloadRequest(
                i, offsets[i], "m", "/v1/chat/completions", null, 1, 1, "{}".getBytes()));
      }
      try (ReplayEngine e =
          new ReplayEngine(
              client, ReplayOptions.defaults("127.0.0.1", server.actualPort()).withEventLoops(1))) {
        ReplayEngine.Recording rec = e.run(rs);
        assertThat(rec.outcomes()).allMatch(RequestOutcome::success);
        assertThat(rec.outcomes().get(0).newConnection()).isTrue();
        assertThat(rec.outcomes().get(1).newConnection()).isFalse(); // reused
        assertThat(rec.outcomes().get(2).newConnection())
            .isTrue(); // the server had closed it: not reused
        assertThat(rec.connectionsOpened()).isEqualTo(2);
      }
    } finally {
      v.close();
    }
  }

  @Test
  void unreachableServerFailsEveryRequestWithAClearReason() throws Exception {
    int closed;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    try (ReplayEngine e = new ReplayEngine(client, ReplayOptions.defaults("127.0.0.1", closed))) {
      RequestOutcome o = e.run(requests("ok")).outcomes().get(0);
      assertThat(o.success()).isFalse();
      assertThat(o.error()).isEqualTo("connection refused by 127.0.0.1:" + closed);
    }
  }

  /** A generated one-model workload of 8-token prompts. */
  private static Workload workload(int requests, double rate, int outputTokens)
      throws java.io.IOException {
    SettingsBuilder b = new SettingsBuilder().model("m", 1);
    b.numPrompts = requests;
    b.requestRate = rate;
    b.randomInputLen = 8;
    b.randomOutputLen = outputTokens;
    return WorkloadGenerator.generate(b.build());
  }

  @Test
  void replaysAGeneratedWorkloadAgainstTheMockWithKnownTiming() throws Exception {
    withMock(30_000_000L, 5_000_000L, mock -> {
      Workload w = workload(40, 100, 5);
      try (ReplayEngine e =
          new ReplayEngine(client, ReplayOptions.defaults("127.0.0.1", mock.port()))) {
        ReplayEngine.Recording rec = e.run(w.requests());
        assertThat(rec.outcomes()).allMatch(RequestOutcome::success);
        assertThat(rec.outcomes()).allMatch(o -> o.completionTokens() == 5 && o.tokenEvents() == 5);
        assertThat(rec.outcomes())
            .allMatch(o -> o.promptTokens() == 8 + 10); // the simulator's chat template rule
        // a measured TTFT can never be below what the server waited
        assertThat(rec.outcomes()).allMatch(o -> o.ttftNs() >= 30_000_000L);
        // token k is due at receipt + TTFT + k * ITL, so the last one comes 50 ms after the start
        // at the earliest
        assertThat(rec.outcomes()).allMatch(o -> o.e2elNs() >= 30_000_000L + 4 * 5_000_000L);
        assertThat(rec.outcomes()).allMatch(o -> "mock-1".equals(o.replica()));
        assertThat(mock.requestCount()).isEqualTo(40);
      }
    });
  }

  /** Something run against the built-in upstream. */
  interface WithMock {
    void run(MockUpstream mock) throws Exception;
  }

  /** Runs {@code test} against a built-in upstream (model m) on a Vert.x of its own. */
  static void withMock(long ttftNs, long itlNs, WithMock test) throws Exception {
    Vertx server = BenchVertx.create(1);
    try (MockUpstream mock =
        MockUpstream.start(
            server, new MockConfig("127.0.0.1", 0, ttftNs, itlNs, 16, List.of("m"), "mock-1", 1))) {
      test.run(mock);
    } finally {
      server.close();
    }
  }

  @Test
  void aWarmUpRetiresAConnectionEveryFiftyReusesAndTheRunAfterItReusesThemAll() throws Exception {
    withMock(100_000L, 100_000L, mock -> {
      String body = "{\"model\":\"m\",\"prompt\":\"hi\",\"stream\":true}";
      List<WorkloadRequest> rs = new ArrayList<>();
      for (int i = 0; i < 120; i++) {
        rs.add(new WorkloadRequest(i, 0, "m", "/v1/completions", null, 1, 2, body.getBytes()));
      }
      // one request at a time on one loop: each takes the connection the previous one gave back
      try (ReplayEngine e =
          new ReplayEngine(
              client,
              ReplayOptions.defaults("127.0.0.1", mock.port())
                  .withEventLoops(1)
                  .withMaxConcurrency(1))) {
        ReplayEngine.Recording warm = e.warmUp(rs);
        assertThat(warm.outcomes()).allMatch(RequestOutcome::success);
        // the first request opens one; the 51st and the 101st find theirs retired and open anew
        assertThat(warm.connectionsOpened()).isEqualTo(3);
        assertThat(warm.outcomes().stream().filter(RequestOutcome::newConnection).count())
            .isEqualTo(3);
        ReplayEngine.Recording after = e.run(rs);
        assertThat(after.outcomes()).allMatch(RequestOutcome::success);
        assertThat(after.connectionsOpened()).isZero();
      }
    });
  }

  @Test
  void bothPacersReleaseEveryRequestNeverEarlyAndAttributeTheLag() throws Exception {
    Vertx server = BenchVertx.create(1);
    try (MockUpstream mock =
        MockUpstream.start(
            server,
            new MockConfig("127.0.0.1", 0, 2_000_000L, 1_000_000L, 2, List.of("m"), null, 1))) {
      Workload w = workload(60, 300, 2);
      for (String pacer : List.of("loop", "thread")) {
        System.setProperty("bench.pacer", pacer);
        try (ReplayEngine e =
            new ReplayEngine(client, ReplayOptions.defaults("127.0.0.1", mock.port()))) {
          ReplayEngine.Recording rec = e.run(w.requests());
          assertThat(rec.outcomes()).as(pacer).allMatch(RequestOutcome::success);
          // released only once due: the lag is never negative, whichever pacer ran
          assertThat(rec.outcomes()).as(pacer).allMatch(o -> o.arrivalNs() >= o.scheduledNs());
          LagAttribution lags = rec.lags();
          assertThat(lags.pacerLate().getTotalCount()).as(pacer).isEqualTo(60);
          assertThat(lags.handOff().getTotalCount()).as(pacer).isEqualTo(60);
          assertThat(lags.worst()).as(pacer).hasSize(LagAttribution.WORST);
          assertThat(lags.worst().get(0).lagNs())
              .isGreaterThanOrEqualTo(lags.worst().get(LagAttribution.WORST - 1).lagNs())
              .isGreaterThanOrEqualTo(lags.worst().get(0).pacerLateNs());
          assertThat(lags.worst().get(0).uptimeSeconds()).isPositive();
        } finally {
          System.clearProperty("bench.pacer");
        }
      }
    } finally {
      server.close();
    }
  }
}
