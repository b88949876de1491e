package io.fleetlb.analysis.compare;

import io.fleetlb.analysis.input.InputException;
import io.fleetlb.analysis.input.Run;
import io.fleetlb.results.NumpyStats;
import io.fleetlb.results.RequestRecord;
import io.fleetlb.results.ValidityReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Decides whether two arms may be compared at all and how (bench runs of different workloads are
 * refused; bench runs of the same workload are paired request by request; a run imported from
 * another tool carries no workload hash, so arms are paired by request order when their sizes allow
 * it, else compared unpaired), and whether the comparison can be trusted: every run valid (its
 * generator kept time) and failures at most the allowed rate, since latency statistics leave failed
 * requests out and an arm that fails its slow requests would look faster.
 */
final class Validity {
  final List<String> reasons = new ArrayList<>();
  final List<String> warnings = new ArrayList<>();

  private Validity() {}

  /** How the arms' requests correspond. */
  enum Pairing {
    /** The same frozen workload: request i of one arm is request i of the other. */
    WORKLOAD,
    /** An imported run without a workload hash, the same number of requests: paired by order. */
    ORDER,
    /** Different numbers of requests: no pairs; requests resampled independently per arm. */
    NONE;

    boolean paired() {
      return this != NONE;
    }
  }

  /** Refuses bench runs of different workloads; how the arms pair. */
  static Pairing pairing(List<Run> baseline, List<Run> managed, List<String> warnings) {
    List<Run> all = new ArrayList<>(baseline);
    all.addAll(managed);
    Run hashed = all.stream().filter(r -> !r.workloadHash().isEmpty()).findFirst().orElse(null);
    for (Run r : all) {
      if (!r.source().imported() && r.workloadHash().isEmpty()) {
        throw InputException.refused(
            r.path()
                + ": workload_hash is missing: cannot prove both arms replayed the same "
                + "workload");
      }
      if (hashed != null
          && !r.workloadHash().isEmpty()
          && !hashed.workloadHash().equals(r.workloadHash())) {
        throw InputException.refused(
            "different workloads: "
                + hashed.path()
                + " replayed workload_hash "
                + abbrev(hashed.workloadHash())
                + " but "
                + r.path()
                + " replayed "
                + abbrev(r.workloadHash())
                + "; compare only runs of the same frozen workload");
      }
    }
    for (List<Run> arm : List.of(baseline, managed)) {
      for (Run r : arm) {
        if (r.requests().length != arm.get(0).requests().length) {
          throw InputException.refused(
              "the repetitions of one arm must have the same requests: "
                  + arm.get(0).path()
                  + " has "
                  + arm.get(0).requests().length
                  + ", "
                  + r.path()
                  + " has "
                  + r.requests().length);
        }
      }
    }
    if (all.stream().noneMatch(r -> r.source().imported())) {
      return Pairing.WORKLOAD;
    }
    Run imported = all.stream().filter(r -> r.source().imported()).findFirst().orElseThrow();
    int nb = baseline.get(0).requests().length;
    int nm = managed.get(0).requests().length;
    if (nb == nm) {
      warnings.add(
          imported.path()
              + " was imported from "
              + imported.source().tool()
              + ", which records no workload hash: the arms are paired request i with request i,"
              + " which is right only if both sent the same prompts in the same order (same"
              + " dataset, seed and number of prompts)");
      return Pairing.ORDER;
    }
    warnings.add(
        "the arms have different numbers of requests ("
            + nb
            + " and "
            + nm
            + "): they are compared as two independent samples (no request pairs; intervals are"
            + " wider than a paired comparison's)");
    return Pairing.NONE;
  }

  static Validity check(
      List<Run> baseline,
      List<Run> managed,
      double maxFailureRate,
      boolean telemetryB,
      boolean telemetryM,
      String managedName) {
    Validity v = new Validity();
    v.arm("baseline", baseline, maxFailureRate);
    v.arm(managedName, managed, maxFailureRate);
    if (baseline.size() != managed.size()) {
      v.warnings.add(
          "the arms have different numbers of repetitions ("
              + baseline.size()
              + " and "
              + managed.size()
              + "): repetitions are resampled independently, not in pairs");
    }
    if (baseline.size() < 2 || managed.size() < 2) {
      v.warnings.add(
          "one repetition in an arm: intervals reflect request-to-request variation only, not"
              + " run-to-run variation; use 3 or more interleaved repetitions");
    }
    if (telemetryB != telemetryM) {
      v.warnings.add(
          "GPU telemetry was recorded for the "
              + (telemetryB ? "baseline" : managedName)
              + " arm only");
    }
    v.gates(baseline, managed, managedName);
    return v;
  }

  /**
   * Warns when the runs were judged by different validity gates: one may be valid only by its
   * looser gate.
   */
  private void gates(List<Run> baseline, List<Run> managed, String managedName) {
    Map<String, List<String>> byGate = new LinkedHashMap<>();
    for (String arm : List.of("baseline", managedName)) {
      List<Run> runs = arm.equals("baseline") ? baseline : managed;
      for (int k = 0; k < runs.size(); k++) {
        ValidityReport.Thresholds t = runs.get(k).thresholds();
        if (t != null) {
          byGate.computeIfAbsent(describe(t), x -> new ArrayList<>()).add(arm + " " + (k + 1));
        }
      }
    }
    if (byGate.size() > 1) {
      List<String> parts = new ArrayList<>();
      byGate.forEach((gate, runs) -> parts.add(String.join(", ", runs) + ": " + gate));
      warnings.add(
          "the runs were judged by different validity gates ("
              + String.join("; ", parts)
              + "): a run valid under a looser gate might not be under the other; give every run"
              + " the same --max-schedule-lag-ms, --max-schedule-lag-share and"
              + " --min-achieved-ratio");
    }
  }

  static String describe(ValidityReport.Thresholds t) {
    return String.format(
        Locale.ROOT,
        "--max-schedule-lag-ms %s --max-schedule-lag-share %s --min-achieved-ratio %s",
        num(t.maxScheduleLagMs()),
        t.maxScheduleLagShare() == null ? "none" : num(t.maxScheduleLagShare()),
        num(t.minAchievedRatio()));
  }

  private static String num(double v) {
    return NumpyStats.percentileWord(v);
  }

  private void arm(String name, List<Run> runs, double maxFailureRate) {
    int failed = 0;
    int total = 0;
    Map<String, Integer> errors = new LinkedHashMap<>();
    Set<String> seen = new LinkedHashSet<>();
    for (int k = 0; k < runs.size(); k++) {
      Run r = runs.get(k);
      String which = name + " repetition " + (k + 1) + " (" + r.path() + ")";
      if (!r.valid()) {
        List<String> why = r.invalidReasons();
        reasons.add(
            which
                + " is invalid: "
                + (why.isEmpty() ? "marked valid: false" : String.join("; ", why)));
      }
      for (String w : r.warnings()) {
        // an imported file's warnings name the file already and repeat for every repetition
        if (!r.source().imported() || seen.add(w)) {
          warnings.add(r.source().imported() ? name + ": " + w : which + ": " + w);
        }
      }
      for (RequestRecord q : r.requests()) {
        total++;
        if (!q.success()) {
          failed++;
          errors.merge(q.error() == null ? "(no message)" : q.error(), 1, Integer::sum);
        }
      }
    }
    if (failed > 0) {
      double rate = (double) failed / total;
      String top =
          errors.entrySet().stream()
              .max(Map.Entry.comparingByValue())
              .map(e -> e.getKey() + " (" + e.getValue() + "x)")
              .orElse("");
      String msg =
          name
              + ": "
              + failed
              + " of "
              + total
              + " requests failed ("
              + String.format(Locale.ROOT, "%.2f", 100 * rate)
              + "%); most frequent error: "
              + top;
      if (rate > maxFailureRate) {
        reasons.add(
            msg
                + "; latency statistics leave failed requests out, so the arms cannot be compared"
                + " fairly (allowed: --max-failure-rate "
                + maxFailureRate
                + ")");
      } else {
        warnings.add(msg);
      }
    }
  }

  static String abbrev(String hash) {
    return hash.length() > 12 ? hash.substring(0, 12) + "..." : hash;
  }
}
