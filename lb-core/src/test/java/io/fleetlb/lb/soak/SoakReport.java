package io.fleetlb.lb.soak;

import io.fleetlb.lb.soak.SoakAnalysis.Figures;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The soak's summary: per router what was sent and how it ended, duplicates, the reaction to each
 * fault, the gauges at the end, memory and file descriptors; then the checks that must pass.
 * Written as markdown (printed, and {@code summary.md}) and JSON ({@code summary.json}).
 */
final class SoakReport {
  /** What one router did in the run. */
  static final class RouterRun {
    final String name;
    Figures figures;
    final Map<String, Double> endGauges = new LinkedHashMap<>();
    long[] before = {-1, -1};
    long[] peak = {-1, -1};
    long[] after = {-1, -1};
    int exitStatus = -1;
    /** Heap in use at the end, all of it and the old generation (bytes; NaN if unknown). */
    double heapUsed = Double.NaN;
    double oldGenUsed = Double.NaN;
    long maxLagUs;
    final List<String> unavailableAtEnd = new ArrayList<>();
    final List<FaultTimings> faults = new ArrayList<>();

    RouterRun(String name) {
      this.name = name;
    }
  }

  /** A pass/fail check. */
  record Check(String what, boolean passed, String detail) {}

  final List<RouterRun> routers = new ArrayList<>();
  final List<FaultRunner.Event> faults = new ArrayList<>();
  final List<Check> checks = new ArrayList<>();
  final Map<String, Object> setup = new LinkedHashMap<>();
  /** When traffic started (epoch microseconds): fault times are reported from it. */
  long originUs;

  boolean passed() {
    return checks.stream().allMatch(Check::passed);
  }

  /** Adds the checks that decide the run: each fault happened, then per router the must-be-0s. */
  void judge() {
    List<Check> c = checks;
    for (FaultRunner.Event e : faults) {
      c.add(new Check("fault " + e.fault.kind().label + " " + e.fault.target()
          + " applied and lifted", e.problem == null && e.startUs >= 0 && e.healUs >= 0,
          e.problem == null ? "" : e.problem));
    }
    for (RouterRun r : routers) {
      SoakAnalysis.Figures f = r.figures;
      c.add(new Check(r.name + ": no duplicates sent upstream", f.duplicates == 0,
          String.join("; ", f.duplicateExamples)));
      c.add(new Check(r.name + ": no avoidable failures", f.failedAvoidable() == 0,
          String.join("\n    ", f.avoidableExamples)));
      c.add(new Check(r.name + ": in-flight, upstream, queue and load gauges back to 0",
          r.endGauges.values().stream().allMatch(v -> v == 0), r.endGauges.toString()));
      c.add(new Check(r.name + ": every replica back in rotation at the end",
          r.unavailableAtEnd.isEmpty(), String.join(", ", r.unavailableAtEnd)));
      c.add(new Check(r.name + ": every request in the access log exactly once",
          f.notInAccessLog == 0 && f.loggedTwice == 0,
          f.notInAccessLog + " missing, " + f.loggedTwice + " twice"));
      c.add(new Check(r.name + ": no generation left running after its client left",
          f.generatedAfterClientLeft == 0, ""));
      c.add(new Check(r.name + ": drained and exited 0 on SIGTERM", r.exitStatus == 0, ""));
      c.add(new Check(r.name + ": open loop kept its schedule (lag < 1 s)", r.maxLagUs < 1_000_000,
          "max lag " + r.maxLagUs / 1000 + " ms"));
    }
  }

  String markdown() {
    StringBuilder b = new StringBuilder("# Chaos soak\n\n");
    setup.forEach((k, v) -> b.append("- ").append(k).append(": ").append(v).append('\n'));
    b.append("\n| | ").append(join(r -> r.name)).append(" |\n|---|");
    routers.forEach(r -> b.append("---:|"));
    b.append('\n');
    row(b, "requests sent", r -> n(r.figures.sent));
    row(b, "succeeded (whole stream, token count = usage)", r -> n(r.figures.succeeded));
    row(b, "left by their client on purpose (of which before any output: queued or in prefill)",
        r -> n(r.figures.cancelled) + " (" + n(r.figures.cancelledBeforeOutput) + ")");
    row(b, "expected refusals",
        r -> n(r.figures.refusedTotal()) + " (" + list(r.figures.refused) + ")");
    row(b, "failed, unavoidable (stream relayed from a replica then killed/frozen/stalled)",
        r -> n(r.figures.failedUnavoidable()));
    row(b, "failed, avoidable (must be 0)", r -> n(r.figures.failedAvoidable())
        + (r.figures.avoidable.isEmpty() ? "" : " (" + list(r.figures.avoidable) + ")"));
    row(b, "duplicates sent upstream (must be 0)", r -> n(r.figures.duplicates));
    row(b, "reached two replicas (a 500, or moved off a frozen or stalled one before any output)",
        r -> n(r.figures.retried));
    row(b, "of which a replica the router had given up on wrote output later (frozen, resumed)",
        r -> n(r.figures.lateOutputOnAbandoned));
    row(b, "replica kept generating > 2 s after the client left (must be 0)",
        r -> n(r.figures.generatedAfterClientLeft));
    row(b, "in flight / upstream in flight / queued at the end (must be 0)",
        r -> gauge(r, "lb_requests_in_flight") + " / " + gauge(r, "lb_upstream_in_flight") + " / "
            + gauge(r, "lb_queue_length"));
    row(b, "RSS after warm-up → peak → after (MiB)",
        r -> mib(r.before[0]) + " → " + mib(r.peak[0])
        + " → " + mib(r.after[0]));
    row(b, "heap in use at the end (MB; of which old generation)", r -> String.format(Locale.ROOT,
        "%.1f (%.1f)", r.heapUsed / 1e6, r.oldGenUsed / 1e6));
    row(b, "open fds after warm-up → peak → after",
        r -> r.before[1] + " → " + r.peak[1] + " → " + r.after[1]);
    row(b, "exit status after SIGTERM (drain)", r -> Integer.toString(r.exitStatus));
    b.append("\nUnavoidable failures by reason:\n\n");
    for (RouterRun r : routers) {
      b.append("- ").append(r.name).append(": ")
          .append(r.figures.unavoidable.isEmpty() ? "none" : list(r.figures.unavoidable))
          .append('\n');
    }
    faultTable(b);
    b.append("\nOutcomes by request kind:\n\n");
    for (RouterRun r : routers) {
      b.append("- ").append(r.name).append(": ");
      r.figures.byKind.forEach((k, v) -> b.append(k).append(" {").append(list(v)).append("} "));
      b.append('\n');
    }
    b.append("\nChecks:\n\n");
    for (Check c : checks) {
      b.append("- ").append(c.passed() ? "PASS " : "FAIL ").append(c.what())
          .append(c.detail().isEmpty() ? "" : ": " + c.detail()).append('\n');
    }
    b.append('\n').append(passed() ? "RESULT: PASS" : "RESULT: FAIL").append('\n');
    return b.toString();
  }

  private void faultTable(StringBuilder b) {
    b.append("\nFaults (at: seconds after traffic start; lasted: until the replica could serve"
        + " again; eject: fault → the router stops using the replica; times: how often it took it"
        + " out; re-admit: replica able to serve again (or, if later, taken out) → back in"
        + " rotation; \"fault still on\": its /health passed before the fault was lifted, timed"
        + " from its removal):\n\n"
        + "| fault | replica | at | lasted |");
    routers.forEach(r -> b.append(' ').append(r.name).append(" eject / times / re-admit |"));
    b.append("\n|---|---|---:|---:|");
    routers.forEach(r -> b.append("---|"));
    b.append('\n');
    for (int i = 0; i < faults.size(); i++) {
      FaultRunner.Event e = faults.get(i);
      b.append("| ").append(e.fault.kind().label).append(" | ").append(e.fault.target())
          .append(" | ").append(secs((e.startUs - originUs) / 1e6)).append(" | ")
          .append(secs((e.readyUs - e.startUs) / 1e6)).append(" |");
      for (RouterRun r : routers) {
        FaultTimings t = r.faults.stream().filter(x -> x.event() == e).findFirst().orElse(null);
        b.append(t == null ? " - |" : " " + timings(t) + " |");
      }
      b.append(e.problem == null ? "" : " " + e.problem).append('\n');
    }
  }

  private static String timings(FaultTimings t) {
    if (t.timesOut() == 0) {
      return "not ejected";
    }
    String back = !t.back() ? "never" : secs(t.readmitAfterS())
        + (t.backWhileFaulty() ? " (fault still on)" : "");
    return secs(t.ejectAfterS()) + " / " + t.timesOut() + " / " + back;
  }

  JsonObject json() {
    JsonObject o = new JsonObject().put("setup", new JsonObject(new LinkedHashMap<>(setup)));
    JsonArray rs = new JsonArray();
    for (RouterRun r : routers) {
      Figures f = r.figures;
      JsonArray ft = new JsonArray();
      r.faults.forEach(t -> ft.add(new JsonObject().put("fault", t.event().fault.kind().name())
          .put("replica", t.event().fault.target()).put("eject_after_s", num(t.ejectAfterS()))
          .put("times_out", t.timesOut()).put("readmit_after_s", num(t.readmitAfterS()))
          .put("back", t.back()).put("back_while_faulty", t.backWhileFaulty())));
      rs.add(new JsonObject().put("router", r.name).put("sent", f.sent)
          .put("succeeded", f.succeeded).put("cancelled_by_client", f.cancelled)
          .put("cancelled_before_output", f.cancelledBeforeOutput)
          .put("refused", new JsonObject(new LinkedHashMap<>(f.refused)))
          .put("failed_unavoidable", new JsonObject(new LinkedHashMap<>(f.unavoidable)))
          .put("failed_avoidable", new JsonObject(new LinkedHashMap<>(f.avoidable)))
          .put("avoidable_examples", new JsonArray(f.avoidableExamples))
          .put("duplicates", f.duplicates)
          .put("duplicate_examples", new JsonArray(f.duplicateExamples))
          .put("retried", f.retried)
          .put("late_output_on_abandoned_attempt", f.lateOutputOnAbandoned)
          .put("generated_after_client_left", f.generatedAfterClientLeft)
          .put("not_in_access_log", f.notInAccessLog).put("logged_twice", f.loggedTwice)
          .put("end_gauges", new JsonObject(new LinkedHashMap<>(r.endGauges)))
          .put("rss_bytes", new JsonArray().add(r.before[0]).add(r.peak[0]).add(r.after[0]))
          .put("fds", new JsonArray().add(r.before[1]).add(r.peak[1]).add(r.after[1]))
          .put("heap_used_bytes", num(r.heapUsed)).put("old_gen_used_bytes", num(r.oldGenUsed))
          .put("exit_status", r.exitStatus).put("max_schedule_lag_us", r.maxLagUs)
          .put("faults", ft));
    }
    JsonArray fs = new JsonArray();
    faults.forEach(e -> fs.add(new JsonObject().put("fault", e.fault.kind().name())
        .put("target", e.fault.target()).put("start_us", e.startUs).put("heal_us", e.healUs)
        .put("ready_us", e.readyUs).put("problem", e.problem)));
    o.put("origin_us", originUs).put("faults", fs);
    JsonArray cs = new JsonArray();
    checks.forEach(c -> cs.add(new JsonObject().put("check", c.what()).put("passed", c.passed())
        .put("detail", c.detail())));
    return o.put("routers", rs).put("checks", cs).put("passed", passed());
  }

  private void row(StringBuilder b, String label, Function<RouterRun, String> value) {
    b.append("| ").append(label).append(" |");
    routers.forEach(r -> b.append(' ').append(value.apply(r)).append(" |"));
    b.append('\n');
  }

  private String join(Function<RouterRun, String> f) {
    return String.join(" | ", routers.stream().map(f).toList());
  }

  private static String list(Map<String, Integer> m) {
    List<String> parts = new ArrayList<>();
    m.forEach((k, v) -> parts.add(k + ": " + v));
    return String.join(", ", parts);
  }

  private static String gauge(RouterRun r, String name) {
    Double v = r.endGauges.get(name);
    return v == null || v.isNaN() ? "?" : n(v.longValue());
  }

  private static String n(long v) {
    return String.format(Locale.ROOT, "%,d", v);
  }

  private static String mib(long bytes) {
    return bytes < 0 ? "?" : Long.toString(bytes >> 20);
  }

  private static String secs(double s) {
    return Double.isNaN(s) ? "never" : String.format(Locale.ROOT, "%.1f s", s);
  }

  private static Object num(double v) {
    return Double.isNaN(v) ? null : v;
  }
}
