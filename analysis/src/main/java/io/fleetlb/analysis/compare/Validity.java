package io.fleetlb.analysis.compare;

import io.fleetlb.analysis.input.InputException;
import io.fleetlb.analysis.input.RequestRecord;
import io.fleetlb.analysis.input.Run;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides whether two arms may be compared at all (the same workload, byte for byte: refused
 * otherwise) and whether the comparison can be trusted: every run valid (its generator kept
 * time), and failures at most the allowed rate, since latency statistics leave failed requests
 * out and an arm that fails its slow requests would look faster.
 */
final class Validity {
  final List<String> reasons = new ArrayList<>();
  final List<String> warnings = new ArrayList<>();

  private Validity() {
  }

  /** Refuses runs of different workloads; the hash they share. */
  static String requireSameWorkload(List<Run> baseline, List<Run> managed) {
    Run first = baseline.get(0);
    String hash = first.workloadHash();
    if (hash.isEmpty()) {
      throw InputException.refused(first.path() + ": workload_hash is missing: cannot prove both arms replayed the same workload");
    }
    List<Run> all = new ArrayList<>(baseline);
    all.addAll(managed);
    for (Run r : all) {
      if (!hash.equals(r.workloadHash())) {
        throw InputException.refused("different workloads: " + first.path() + " replayed workload_hash " + abbrev(hash)
            + " but " + r.path() + " replayed " + (r.workloadHash().isEmpty() ? "none" : abbrev(r.workloadHash()))
            + "; compare only runs of the same frozen workload");
      }
    }
    return hash;
  }

  static Validity check(List<Run> baseline, List<Run> managed, double maxFailureRate, boolean telemetryB,
      boolean telemetryM) {
    Validity v = new Validity();
    v.arm("baseline", baseline, maxFailureRate);
    v.arm("managed", managed, maxFailureRate);
    if (baseline.size() != managed.size()) {
      v.warnings.add("the arms have different numbers of repetitions (" + baseline.size() + " and " + managed.size()
          + "): repetitions are resampled independently, not in pairs");
    }
    if (baseline.size() < 2 || managed.size() < 2) {
      v.warnings.add("one repetition in an arm: intervals reflect request-to-request variation only, not run-to-run "
          + "variation; use 3 or more interleaved repetitions");
    }
    if (telemetryB != telemetryM) {
      v.warnings.add("GPU telemetry was recorded for the " + (telemetryB ? "baseline" : "managed") + " arm only");
    }
    return v;
  }

  private void arm(String name, List<Run> runs, double maxFailureRate) {
    int failed = 0;
    int total = 0;
    Map<String, Integer> errors = new LinkedHashMap<>();
    for (int k = 0; k < runs.size(); k++) {
      Run r = runs.get(k);
      String which = name + " repetition " + (k + 1) + " (" + r.path() + ")";
      if (!r.valid()) {
        List<String> why = r.invalidReasons();
        reasons.add(which + " is invalid: " + (why.isEmpty() ? "marked valid: false" : String.join("; ", why)));
      }
      for (String w : r.warnings()) {
        warnings.add(which + ": " + w);
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
      String top = errors.entrySet().stream().max(Map.Entry.comparingByValue())
          .map(e -> e.getKey() + " (" + e.getValue() + "x)").orElse("");
      String msg = name + ": " + failed + " of " + total + " requests failed (" + String.format(java.util.Locale.ROOT, "%.2f", 100 * rate)
          + "%); most frequent error: " + top;
      if (rate > maxFailureRate) {
        reasons.add(msg + "; latency statistics leave failed requests out, so the arms cannot be compared fairly"
            + " (allowed: --max-failure-rate " + maxFailureRate + ")");
      } else {
        warnings.add(msg);
      }
    }
  }

  static String abbrev(String hash) {
    return hash.length() > 12 ? hash.substring(0, 12) + "..." : hash;
  }
}
