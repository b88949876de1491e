package io.fleetlb.bench.calibrate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetlb.bench.BenchVersion;
import io.fleetlb.bench.BenchVertx;
import io.fleetlb.bench.metrics.RequestOutcome;
import io.fleetlb.bench.metrics.Validity;
import io.fleetlb.bench.mock.MockConfig;
import io.fleetlb.bench.mock.MockUpstream;
import io.fleetlb.bench.replay.ReplayEngine;
import io.fleetlb.bench.replay.ReplayOptions;
import io.fleetlb.bench.workload.SettingsBuilder;
import io.fleetlb.bench.workload.Workload;
import io.fleetlb.bench.workload.WorkloadGenerator;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Measures the bench's own limits against the in-process mock upstream, using the real replay
 * engine: a fidelity run at a fixed rate (schedule lag, and the TTFT and ITL measurement error as
 * measured minus configured), then a ladder of rising rates to find the client's ceiling, the
 * highest offered rate held with achieved/offered at or above the minimum, p99 lag at or under the
 * maximum and no failure. Client and mock share the machine, so the ceiling is a lower bound on the
 * client alone.
 */
public final class Calibrator {
  /** The ceiling is narrowed down until the next missed rate is within 10 % of it. */
  static final double REFINE_RESOLUTION = 0.1;

  private final CalibrationSettings s;
  private final PrintStream log;

  public Calibrator(CalibrationSettings settings, PrintStream log) {
    this.s = settings;
    this.log = log;
  }

  public ObjectNode run() throws Exception {
    long deadline = System.nanoTime() + s.maxTimeNs();
    // serverEventLoops 0: the upstream shares the client's event loop(s), so one request's client
    // and server work run on one thread without cross-thread wake-ups (fewer threads on 2 cores)
    Vertx clientVertx = BenchVertx.create(s.clientEventLoops());
    Vertx serverVertx =
        s.serverEventLoops() == 0 ? clientVertx : BenchVertx.create(s.serverEventLoops());
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    try (MockUpstream mock =
            MockUpstream.start(
                serverVertx,
                new MockConfig(
                    "127.0.0.1",
                    0,
                    s.ttftNs(),
                    s.itlNs(),
                    s.outputTokens(),
                    List.of(CalibrationSettings.MODEL),
                    null,
                    Math.max(1, s.serverEventLoops())));
        ReplayEngine engine =
            new ReplayEngine(
                clientVertx,
                ReplayOptions.defaults("127.0.0.1", mock.port())
                    .withEventLoops(s.clientEventLoops())
                    .withRequestTimeoutNs(30_000_000_000L))) {
      header(out, clientVertx);
      log.printf(
          Locale.ROOT,
          "calibrating against the built-in upstream: TTFT %.3f ms, ITL %.3f ms, %d output tokens, "
              + "%s arrivals; %d CPUs, load average %s; native transport %s; GC %s%n",
          s.ttftNs() / 1e6,
          s.itlNs() / 1e6,
          s.outputTokens(),
          s.arrivalPattern(),
          Runtime.getRuntime().availableProcessors(),
          LoadAverage.read(),
          clientVertx.isNativeTransportEnabled(),
          BenchVersion.garbageCollectors());
      if (BenchVersion.garbageCollectors().contains("G1")) {
        log.println(
            "note: G1's pauses of several ms show up as schedule lag; java -XX:+UseShenandoahGC (or"
                + " -XX:+UseZGC) -jar bench.jar ... keeps them under 1 ms");
      }
      MachineFloor.Gaps floorOne = null;
      MachineFloor.Gaps floorAll = null;
      if (s.floorSeconds() > 0) {
        long ns = (long) (s.floorSeconds() * 1e9);
        int cpus = Runtime.getRuntime().availableProcessors();
        floorOne = MachineFloor.oneThread(ns);
        floorAll = MachineFloor.allThreads(cpus, ns);
        ObjectNode floor = out.putObject("machine_floor");
        floor.set("one_thread", floorOne.toJson());
        floor.set("all_cores", floorAll.toJson());
        log.println(
            "machine timing floor (busy loop on System.nanoTime(), nothing else in the JVM):");
        log.println("  " + floorOne.describe());
        log.println("  " + floorAll.describe());
      }
      if (s.warmupSeconds() > 0) {
        log.printf(
            Locale.ROOT,
            "warming up (JIT) at %.0f req/s for %.1f s%n",
            s.fidelityRate(),
            s.warmupSeconds());
        step(engine, mock, s.fidelityRate(), s.warmupSeconds(), true);
      }
      StepResult fidelity = step(engine, mock, s.fidelityRate(), s.fidelitySeconds(), false);
      out.set("fidelity", fidelity.toJson());
      log.println(fidelity.describe("fidelity"));
      double floorMs = floorAll == null ? 0 : floorAll.floorLagAtPercentileNs(99) / 1e6;
      double limitMs = LadderRule.lagLimitMs(s.maxP99LagMs(), floorMs);
      out.put("lag_limit_ms", limitMs);
      if (limitMs > s.maxP99LagMs()) {
        log.printf(
            Locale.ROOT,
            "note: the machine's own p99 floor lag (every core busy) is %.3f ms, above the %.3f ms"
                + " target: ladder steps are held up to it, the verdict below is against the"
                + " target%n",
            floorMs,
            s.maxP99LagMs());
      }
      ArrayNode ladder = out.putArray("ladder");
      List<Double> tried = new ArrayList<>();
      List<Boolean> verdicts = new ArrayList<>(); // every rate tried, refinements included
      List<Boolean> steps = new ArrayList<>(); // the ladder's own rates, for its stop rule
      for (double rate : s.rates()) {
        if (System.nanoTime() > deadline) {
          log.printf(Locale.ROOT, "stopping the ladder: --max-time reached%n");
          out.put("ladder_truncated", true);
          break;
        }
        boolean held = tryRate(engine, mock, rate, limitMs, ladder, false);
        tried.add(rate);
        verdicts.add(held);
        steps.add(held);
        if (!held && LadderRule.nearestMissAbove(tried, verdicts, rate)) {
          // narrow the ceiling down now, before the higher rates' overload leaves its backlog of
          // connections and garbage behind
          refine(engine, mock, limitMs, ladder, tried, verdicts, deadline, out);
        }
        if (LadderRule.stop(steps)) {
          break;
        }
      }
      double ceiling = LadderRule.ceiling(tried, verdicts);
      List<Double> isolated = LadderRule.isolatedMisses(tried, verdicts);
      out.put("ceiling_rps", ceiling);
      isolated.forEach(out.putArray("isolated_misses")::add);
      out.put("load_average_end", LoadAverage.read());
      log.printf(
          Locale.ROOT,
          "client ceiling: %.0f req/s (achieved >= %.1f%% of offered, p99 schedule lag <= %.3f ms, "
              + "no failures)%s; load average now %s%n",
          ceiling,
          100 * s.minAchievedRatio(),
          limitMs,
          isolated.isEmpty() ? "" : "; missed below it: " + isolated,
          LoadAverage.read());
      verdict(out, fidelity, floorMs);
    } finally {
      clientVertx.close().toCompletionStage().toCompletableFuture().get();
      if (serverVertx != clientVertx) {
        serverVertx.close().toCompletionStage().toCompletableFuture().get();
      }
    }
    return out;
  }

  /** The fidelity run against the target, beside the machine's floor. */
  private void verdict(ObjectNode out, StepResult fidelity, double floorMs) {
    double p99 = fidelity.lag.percentile(99);
    boolean within = p99 <= s.maxP99LagMs();
    out.put("fidelity_within_target", within);
    log.printf(
        Locale.ROOT,
        "verdict: p99 schedule lag at %.0f req/s %.3f ms, %s the %.3f ms target (the machine's own"
            + " p99 floor lag with every core busy: %.3f ms)%n",
        s.fidelityRate(),
        p99,
        within ? "within" : "OVER",
        s.maxP99LagMs(),
        floorMs);
  }

  private void header(ObjectNode out, Vertx vertx) {
    out.put("bench", BenchVersion.NAME + " " + BenchVersion.VERSION);
    out.put("cpus", Runtime.getRuntime().availableProcessors());
    out.put("load_average_start", LoadAverage.read());
    out.put("native_transport", vertx.isNativeTransportEnabled());
    out.put("java", System.getProperty("java.version"));
    out.put("gc", BenchVersion.garbageCollectors());
    out.set("settings", s.toJson());
  }

  /** Up to {@code refinements} rates halfway between the ceiling so far and the miss above it. */
  private void refine(ReplayEngine engine, MockUpstream mock, double limitMs, ArrayNode ladder,
      List<Double> tried, List<Boolean> verdicts, long deadline, ObjectNode out) throws Exception {
    for (int k = 0; k < s.refinements(); k++) {
      OptionalDouble next = LadderRule.refinement(tried, verdicts, REFINE_RESOLUTION);
      if (next.isEmpty()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        log.printf(Locale.ROOT, "not refining the ceiling: --max-time reached%n");
        out.put("ladder_truncated", true);
        return;
      }
      double rate = next.getAsDouble();
      log.printf(Locale.ROOT, "refining the ceiling: %.0f req/s (held so far: %.0f)%n", rate,
          LadderRule.ceiling(tried, verdicts));
      boolean held = tryRate(engine, mock, rate, limitMs, ladder, true);
      tried.add(rate);
      verdicts.add(held);
    }
  }

  /**
   * One rate of the ladder: its warm-up, then up to {@code attempts} runs until one holds (other
   * processes on a shared machine can spoil one attempt); every attempt is recorded.
   */
  private boolean tryRate(ReplayEngine engine, MockUpstream mock, double rate, double limitMs,
      ArrayNode ladder, boolean refined) throws Exception {
    if (s.stepWarmupSeconds() > 0) {
      step(engine, mock, rate, s.stepWarmupSeconds(), true); // new connections, this rate's paths
    }
    boolean held = false;
    for (int attempt = 1; attempt <= s.attempts() && !held; attempt++) {
      StepResult r = step(engine, mock, rate, s.stepSeconds(), false);
      held = r.held(s.minAchievedRatio(), limitMs);
      ObjectNode j = r.toJson();
      j.put("attempt", attempt);
      j.put("held", held);
      if (refined) {
        j.put("refinement", true);
      }
      ladder.add(j);
      log.println(r.describe(held ? "held  " : "MISSED"));
    }
    return held;
  }

  /** One run at a rate; a warm-up ({@link ReplayEngine#warmUp}) also closes connections. */
  private StepResult step(
      ReplayEngine engine, MockUpstream mock, double rate, double seconds, boolean warmUp)
      throws Exception {
    SettingsBuilder b = new SettingsBuilder().model(CalibrationSettings.MODEL, 1);
    b.numPrompts = Math.max(1, (int) Math.round(rate * seconds));
    b.requestRate = rate;
    b.arrivalPattern = s.arrivalPattern();
    b.burstiness = s.arrivalPattern().equals("gamma") ? s.burstiness() : 1.0;
    b.randomInputLen = s.inputTokens();
    b.randomOutputLen = s.outputTokens();
    b.seed = s.seed();
    Workload w = WorkloadGenerator.generate(b.build());
    // collect the previous run's outcomes now, not in a concurrent cycle during this run
    System.gc();
    mock.takeFirstTokenLateness();
    mock.takeTokenLateness();
    ReplayEngine.Recording rec = warmUp ? engine.warmUp(w.requests()) : engine.run(w.requests());
    List<RequestOutcome> all = rec.outcomes();
    return new StepResult(
        rate,
        seconds,
        all.size(),
        Validity.offeredRate(all),
        Validity.achievedRate(all),
        all.stream().filter(o -> !o.success()).count(),
        all,
        s.ttftNs(),
        s.itlNs(),
        mock.takeFirstTokenLateness(),
        mock.takeTokenLateness(),
        rec.connectionsOpened(),
        rec.lags());
  }
}
