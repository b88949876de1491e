package io.fleetlb.bench.cli;

import io.fleetlb.bench.metrics.RequestOutcome;
import io.fleetlb.bench.replay.ReplayEngine;
import io.fleetlb.bench.workload.Workload;
import io.fleetlb.bench.workload.WorkloadRequest;
import java.util.ArrayList;
import java.util.List;

/** Parsing and checks shared by the run and calibrate commands. */
final class Options {
  static final List<String> METRICS =
      List.of("ttft", "tpot", "itl", "e2el", "client_queue_time", "e2el_including_client_queue");

  private Options() {}

  static List<String> percentileMetrics(String csv) {
    List<String> out = new ArrayList<>();
    for (String m : csv.split(",")) {
      String t = m.trim();
      if (!METRICS.contains(t)) {
        throw new IllegalArgumentException(
            "--percentile-metrics: '" + t + "' is not one of " + METRICS);
      }
      out.add(t);
    }
    return out;
  }

  static List<Double> percentiles(String csv) {
    List<Double> out = new ArrayList<>();
    for (String p : csv.split(",")) {
      double v;
      try {
        v = Double.parseDouble(p.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "--metric-percentiles: '" + p.trim() + "' is not a number");
      }
      if (!(v >= 0 && v <= 100)) {
        throw new IllegalArgumentException("--metric-percentiles: " + v + " is outside [0, 100]");
      }
      out.add(v);
    }
    return out;
  }

  /**
   * The request path: the workload's own, or an override that must fit the bodies (chat vs
   * completions).
   */
  static String endpointFor(Workload w, String override) {
    String own = w.header().path("endpoint").asText("/v1/chat/completions");
    if (override == null) {
      return own;
    }
    boolean chatBodies = own.endsWith("/chat/completions");
    boolean chatPath = override.endsWith("/chat/completions");
    if (!override.startsWith("/") || !override.endsWith("/completions") || chatBodies != chatPath) {
      throw new IllegalArgumentException(
          "--endpoint '"
              + override
              + "' does not fit this workload, whose bodies are for "
              + own
              + "; regenerate it with 'bench.jar workload --endpoint "
              + override
              + "'");
    }
    return override;
  }

  /**
   * Runs the client's own code paths for a moment against an in-process upstream (nothing reaches
   * the server under test), so the JIT has compiled them before the clock starts: a cold JVM
   * otherwise delays the first few hundred requests by milliseconds.
   */
  static void clientWarmup(io.vertx.core.Vertx vertx, int loops, long durationNs) throws Exception {
    if (durationNs <= 0) {
      return;
    }
    double rate = 500;
    io.fleetlb.bench.workload.SettingsBuilder b =
        new io.fleetlb.bench.workload.SettingsBuilder().model("warmup", 1);
    b.numPrompts = Math.max(1, (int) (rate * durationNs / 1e9));
    b.requestRate = rate;
    b.randomInputLen = 64;
    b.randomOutputLen = 8;
    Workload w = io.fleetlb.bench.workload.WorkloadGenerator.generate(b.build());
    try (io.fleetlb.bench.mock.MockUpstream mock =
            io.fleetlb.bench.mock.MockUpstream.start(
                vertx, io.fleetlb.bench.mock.MockConfig.of(1_000_000L, 500_000L, "warmup"));
        ReplayEngine e =
            new ReplayEngine(
                vertx,
                io.fleetlb.bench.replay.ReplayOptions.defaults("127.0.0.1", mock.port())
                    .withEventLoops(loops))) {
      e.warmUp(w.requests());
    }
  }

  /** Sends one copy of the first request; a failure ends the run with the server's answer. */
  static void testRequest(ReplayEngine engine, WorkloadRequest first) throws InterruptedException {
    RequestOutcome o =
        engine
            .run(
                List.of(
                    new WorkloadRequest(
                        0,
                        0,
                        first.model(),
                        first.endpoint(),
                        first.className(),
                        first.inputTokens(),
                        first.outputTokens(),
                        first.body())))
            .outcomes()
            .get(0);
    if (!o.success()) {
      throw new BenchFailure("the initial test request failed: " + o.error());
    }
  }

  /** vLLM's --num-warmups: copies of the first request, all due at once, results discarded. */
  static void warmUp(ReplayEngine engine, WorkloadRequest first, int n)
      throws InterruptedException {
    List<WorkloadRequest> copies = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      copies.add(
          new WorkloadRequest(
              i,
              0,
              first.model(),
              first.endpoint(),
              first.className(),
              first.inputTokens(),
              first.outputTokens(),
              first.body()));
    }
    long failed = engine.run(copies).outcomes().stream().filter(o -> !o.success()).count();
    if (failed == n) {
      RequestOutcome o = engine.run(copies.subList(0, 1)).outcomes().get(0);
      throw new BenchFailure("every warm-up request failed: " + o.error());
    }
  }
}
