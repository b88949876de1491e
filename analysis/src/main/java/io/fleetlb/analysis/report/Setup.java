package io.fleetlb.analysis.report;

import io.fleetlb.analysis.compare.ArmProfile;
import io.fleetlb.analysis.compare.Comparison;
import io.fleetlb.analysis.compare.MultiComparison;
import io.fleetlb.results.NumpyStats;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The setup in one paragraph: workload, rate, repetitions, SLO, statistics, validity. */
final class Setup {
  private Setup() {}

  static String workload(Comparison c) {
    var w = c.workload();
    String rate =
        w.requestRate() instanceof Double d
            ? Fmt.num(d) + " req/s"
            : String.valueOf(w.requestRate());
    String burst =
        w.burstiness() instanceof Double d
            ? (d == 1.0 ? "Poisson" : "gamma, burstiness " + Fmt.num(d))
            : "";
    String hash =
        c.workloadHash().isEmpty()
            ? "without a workload hash (imported runs)"
            : "workload " + c.workloadHash().substring(0, Math.min(12, c.workloadHash().length()));
    return String.format(
        Locale.ROOT,
        "%d requests%s at %s%s, %d model%s, %s dataset, seed %d, %s",
        w.requests(),
        Double.isNaN(w.spanS()) ? "" : " over " + Fmt.num(w.spanS()) + " s",
        rate,
        burst.isEmpty() ? "" : " (" + burst + ")",
        w.models().size(),
        w.models().size() == 1 ? "" : "s",
        w.dataset(),
        w.seed(),
        hash);
  }

  static String statistics(Comparison c) {
    var s = c.settings();
    String source =
        switch (s.sloSource() == null ? "" : s.sloSource()) {
          case "runs" -> " (recorded by the runs)";
          case "default" -> " (default; set with --goodput)";
          default -> " (--goodput)";
        };
    String method =
        c.pairing().equals("none")
            ? "unpaired bootstrap"
            : c.pairing().equals("order")
                ? "bootstrap paired by request order"
                : "paired bootstrap";
    return "SLO "
        + s.slo().describe()
        + source
        + "; "
        + method
        + ", "
        + s.bootstrap()
        + " resamples, seed "
        + s.seed()
        + (s.minEffectPct() > 0
            ? "; changes under " + Fmt.compact(s.minEffectPct()) + "% count as same"
            : "");
  }

  static String repetitions(Comparison c) {
    return arm(c.baseline()) + " and " + arm(c.managed());
  }

  private static String arm(ArmProfile a) {
    int n = a.runs().size();
    return n
        + " repetition"
        + (n == 1 ? "" : "s")
        + " of "
        + a.label()
        + (a.urls().isEmpty() ? "" : " (" + String.join(", ", a.urls()) + ")")
        + (a.lacks().isEmpty() ? "" : " [imported from " + a.source() + "]");
  }

  /** Validity with each arm's gate and worst schedule lag, so a reader can judge the gates. */
  static String validity(Comparison c) {
    List<String> parts = new ArrayList<>();
    for (ArmProfile a : List.of(c.baseline(), c.managed())) {
      String lag = lag(a);
      if (!lag.isEmpty()) {
        parts.add(a.label() + ": " + lag);
      }
    }
    String lags = parts.isEmpty() ? "" : " (" + String.join("; ", parts) + ")";
    return c.valid()
        ? "valid: every run kept its schedule and failures stayed within the limit" + lags
        : "INVALID: " + c.reasons().size() + " reason(s)" + lags;
  }

  /** The worst gated lag of an arm's runs against its limit, and the gates (one if they agree). */
  private static String lag(ArmProfile a) {
    double worst = Double.NaN;
    double limit = Double.NaN;
    String pct = "";
    Set<String> gates = new LinkedHashSet<>();
    for (ArmProfile.RunInfo r : a.runs()) {
      if (r.lagGate() != null && (Double.isNaN(worst) || r.lagGate().valueMs() > worst)) {
        worst = r.lagGate().valueMs();
        limit = r.lagGate().limitMs();
        pct = "p" + NumpyStats.percentileWord(r.lagGate().percentile());
      }
      if (r.gates() != null) {
        gates.add(
            Fmt.compact(r.gates().maxScheduleLagMs())
                + " ms"
                + (r.gates().maxScheduleLagShare() == null || r.gates().maxScheduleLagShare() == 0
                    ? ""
                    : " or "
                        + Fmt.compact(100 * r.gates().maxScheduleLagShare())
                        + "% of the median TTFT"));
      }
    }
    if (Double.isNaN(worst)) {
      return gates.isEmpty() ? "" : "gate " + String.join(" / ", gates);
    }
    return "worst "
        + pct
        + " schedule lag "
        + Fmt.num(worst)
        + " ms against a limit of "
        + Fmt.num(limit)
        + " ms; gate "
        + String.join(" / ", gates)
        + (gates.size() > 1 ? " (mixed)" : "");
  }

  /** Every arm's repetitions, the baseline first. */
  static String repetitions(MultiComparison mc) {
    List<String> parts = mc.arms().stream().map(Setup::arm).toList();
    return String.join(", ", parts.subList(0, parts.size() - 1))
        + " and "
        + parts.get(parts.size() - 1);
  }

  /** Validity of a multi-arm comparison with every arm's worst schedule lag. */
  static String validity(MultiComparison mc) {
    List<String> parts = new ArrayList<>();
    for (ArmProfile a : mc.arms()) {
      String lag = lag(a);
      if (!lag.isEmpty()) {
        parts.add(a.label() + ": " + lag);
      }
    }
    String lags = parts.isEmpty() ? "" : " (" + String.join("; ", parts) + ")";
    return mc.valid()
        ? "valid: every run kept its schedule and failures stayed within the limit" + lags
        : "INVALID: " + mc.reasons().size() + " reason(s)" + lags;
  }

  static String describe(MultiComparison mc) {
    return "Workload: "
        + workload(mc.first())
        + "\nRuns: "
        + repetitions(mc)
        + "\nStatistics: "
        + statistics(mc.first())
        + "\nValidity: "
        + validity(mc);
  }

  static String describe(Comparison c) {
    return "Workload: "
        + workload(c)
        + "\nRuns: "
        + repetitions(c)
        + "\nStatistics: "
        + statistics(c)
        + "\nValidity: "
        + validity(c);
  }
}
