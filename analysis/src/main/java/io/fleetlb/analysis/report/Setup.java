package io.fleetlb.analysis.report;

import io.fleetlb.analysis.compare.Comparison;
import java.util.Locale;

/** The setup in one paragraph: workload, rate, repetitions, SLO, statistics, validity. */
final class Setup {
  private Setup() {
  }

  static String workload(Comparison c) {
    var w = c.workload();
    String rate = w.requestRate() instanceof Double d ? Fmt.num(d) + " req/s" : String.valueOf(w.requestRate());
    String burst = w.burstiness() instanceof Double d ? (d == 1.0 ? "Poisson" : "gamma, burstiness " + Fmt.num(d)) : "";
    return String.format(Locale.ROOT, "%d requests over %s s at %s (%s), %d model%s, %s dataset, seed %d, workload %s",
        w.requests(), Fmt.num(w.spanS()), rate, burst, w.models().size(), w.models().size() == 1 ? "" : "s",
        w.dataset(), w.seed(), c.workloadHash().substring(0, Math.min(12, c.workloadHash().length())));
  }

  static String statistics(Comparison c) {
    var s = c.settings();
    return "SLO " + s.slo().describe() + (s.sloDefaulted() ? " (default; set with --slo)" : "")
        + "; paired bootstrap, " + s.bootstrap() + " resamples, seed " + s.seed()
        + (s.minEffectPct() > 0 ? "; changes under " + Fmt.num(s.minEffectPct()) + "% count as same" : "");
  }

  static String repetitions(Comparison c) {
    return c.baseline().runs().size() + " repetition" + (c.baseline().runs().size() == 1 ? "" : "s") + " of "
        + c.baseline().label() + " (" + String.join(", ", c.baseline().urls()) + ") and " + c.managed().runs().size()
        + " of " + c.managed().label() + " (" + String.join(", ", c.managed().urls()) + ")";
  }

  /** Validity with the generator's gate and the worst schedule lag seen, so a reader can judge the gate. */
  static String validity(Comparison c) {
    double worst = Double.NaN;
    double gate = Double.NaN;
    for (var arm : java.util.List.of(c.baseline(), c.managed())) {
      for (var r : arm.runs()) {
        worst = Double.isNaN(worst) || r.p99ScheduleLagMs() > worst ? r.p99ScheduleLagMs() : worst;
        gate = Double.isNaN(gate) || r.maxP99ScheduleLagMs() > gate ? r.maxP99ScheduleLagMs() : gate;
      }
    }
    String lag = Double.isNaN(worst) ? "" : " (worst p99 schedule lag " + Fmt.num(worst) + " ms, gate " + Fmt.num(gate) + " ms)";
    return c.valid() ? "valid: every run kept its schedule" + lag + " and failures stayed within the limit"
        : "INVALID: " + c.reasons().size() + " reason(s)" + lag;
  }

  static String describe(Comparison c) {
    return "Workload: " + workload(c) + "\nRuns: " + repetitions(c) + "\nStatistics: " + statistics(c)
        + "\nValidity: " + validity(c);
  }
}
