package io.fleetlb.analysis.report;

import io.fleetlb.analysis.compare.ArmProfile;
import io.fleetlb.analysis.compare.Comparison;
import io.fleetlb.analysis.compare.MetricResult;
import io.fleetlb.analysis.compare.PairedDeltas;
import io.fleetlb.analysis.sweep.SweepPoint;
import io.fleetlb.analysis.sweep.SweepResult;
import java.util.List;

/**
 * report.md: the headline, the setup, every metric with its interval and verdict, and links to the
 * charts.
 */
public final class MarkdownReport {
  private MarkdownReport() {}

  public static String render(Comparison c, String headline, List<ChartImage> charts) {
    StringBuilder md = new StringBuilder();
    md.append("# A/B comparison: ")
        .append(c.managed().label())
        .append(" vs ")
        .append(c.baseline().label())
        .append("\n\n");
    if (!c.valid()) {
      md.append("> **INVALID COMPARISON: the numbers below cannot be trusted.**\n>\n");
      c.reasons().forEach(r -> md.append("> - ").append(r).append('\n'));
      md.append('\n');
    }
    md.append("**").append(headline).append("**\n\n");
    md.append("| setup | |\n|---|---|\n");
    md.append("| workload | ").append(Setup.workload(c)).append(" |\n");
    md.append("| runs | ").append(Setup.repetitions(c)).append(" |\n");
    md.append("| statistics | ").append(Setup.statistics(c)).append(" |\n");
    md.append("| validity | ")
        .append(c.valid() ? Setup.validity(c) : "**" + Setup.validity(c) + "**")
        .append(" |\n\n");
    md.append("## Results\n\nDelta = managed - baseline; the 95% interval is a ")
        .append(
            c.pairing().equals("none")
                ? "bootstrap over each arm's requests"
                : "paired bootstrap over requests")
        .append(
            " and repetitions; `same` means no significant difference (the interval contains 0)")
        .append(HtmlReport.margin(c))
        .append(". How to read it: docs/report.md.\n\n");
    metricTable(md, c.metrics(), true);
    if (!c.paired().isEmpty()) {
      md.append(
          "\n"
              + "## Paired per-request differences\n\n"
              + "The same workload request in both arms (averaged over repetitions), managed -"
              + " baseline.\n\n"
              + "| latency | requests | mean delta (ms) | 95% CI | median delta (ms) | managed"
              + " faster | managed slower |\n"
              + "|---|---:|---:|---|---:|---:|---:|\n");
    }
    for (PairedDeltas.Summary p : c.paired()) {
      md.append("| ")
          .append(p.label())
          .append(" | ")
          .append(p.pairs())
          .append(" | ")
          .append(Fmt.signed(p.meanMs()))
          .append(" | ")
          .append(Fmt.interval(p.meanCi95()))
          .append(" | ")
          .append(Fmt.signed(p.medianMs()))
          .append(" | ")
          .append(Fmt.num(p.fasterPct()))
          .append("% | ")
          .append(Fmt.num(p.slowerPct()))
          .append("% |\n");
    }
    if (!c.perModel().isEmpty()) {
      md.append("\n## Per model\n");
      c.perModel()
          .forEach(
              (model, list) -> {
                md.append("\n### ")
                    .append(model)
                    .append(" (")
                    .append(Fmt.num(c.workload().modelShares().getOrDefault(model, Double.NaN)))
                    .append("% of requests)\n\n");
                metricTable(md, list, false);
              });
    }
    md.append("\n## Replicas\n\n| replica | model | ")
        .append(c.baseline().label())
        .append(" share | ")
        .append(c.managed().label())
        .append(" share | ")
        .append(c.baseline().label())
        .append(" GPU util | ")
        .append(c.managed().label())
        .append(" GPU util |\n")
        .append("|---|---|---:|---:|---:|---:|\n");
    for (ArmProfile.ReplicaShare rb : c.baseline().replicas()) {
      ArmProfile.ReplicaShare rm = find(c.managed(), rb.id());
      md.append("| ")
          .append(rb.id())
          .append(" | ")
          .append(rb.model())
          .append(" | ")
          .append(share(rb))
          .append(" | ")
          .append(share(rm))
          .append(" | ")
          .append(util(rb))
          .append(" | ")
          .append(util(rm))
          .append(" |\n");
    }
    md.append("\nBalance of requests over each model's replicas (Jain's index, 1 = even): ");
    c.baseline()
        .balance()
        .forEach(
            (model, bal) -> {
              ArmProfile.Balance bm = c.managed().balance().get(model);
              md.append(model)
                  .append(" ")
                  .append(Fmt.index(bal.jainIndex()))
                  .append(" vs ")
                  .append(bm == null ? "n/a" : Fmt.index(bm.jainIndex()))
                  .append("; ");
            });
    md.setLength(md.length() - 2);
    md.append(".\n");
    if (c.sweep() != null) {
      sweep(md, c.sweep());
    }
    if (!charts.isEmpty()) {
      md.append("\n## Charts\n\n");
      for (ChartImage ch : charts) {
        md.append("![")
            .append(ch.title())
            .append("](")
            .append(ch.file())
            .append(")\n\n*")
            .append(ch.caption())
            .append("*\n\n");
      }
    }
    if (!c.warnings().isEmpty()) {
      md.append("\n## Warnings\n\n");
      c.warnings().forEach(w -> md.append("- ").append(w).append('\n'));
    }
    md.append("\n---\nworkload_hash `")
        .append(c.workloadHash())
        .append(
            "`. Generated by analysis/compare.sh; " + "every figure is also in comparison.json.\n");
    return md.toString();
  }

  private static void metricTable(StringBuilder md, List<MetricResult> list, boolean groups) {
    md.append(
        "| metric | baseline | managed | delta | delta % | 95% CI of delta % | verdict |\n"
            + "|---|---:|---:|---:|---:|---|---|\n");
    String group = "";
    for (MetricResult r : list) {
      if (groups && !r.metric().group().equals(group)) {
        group = r.metric().group();
        md.append("| **").append(group).append("** | | | | | | |\n");
      }
      String verdict =
          switch (r.verdict()) {
            case BETTER -> "**better**";
            case WORSE -> "**worse**";
            case SAME -> "same";
          };
      md.append("| ")
          .append(r.metric().label())
          .append(" (")
          .append(r.metric().unit())
          .append(") | ")
          .append(Fmt.num(r.baseline()))
          .append(" | ")
          .append(Fmt.num(r.managed()))
          .append(" | ")
          .append(Fmt.signed(r.delta()))
          .append(" | ")
          .append(Fmt.pct(r.deltaPct()))
          .append(" | ")
          .append(Fmt.intervalPct(r.ci95Pct()))
          .append(" | ")
          .append(verdict)
          .append(r.note() == null ? "" : " (" + r.note() + ")")
          .append(" |\n");
    }
  }

  private static void sweep(StringBuilder md, SweepResult s) {
    md.append(
            "\n"
                + "## Capacity under the SLO (sweep)\n\n"
                + "Capacity = the highest offered rate at which the arm, and every lower rate, had"
                + " at least ")
        .append(Fmt.compact(s.goodputTargetPct()))
        .append("% of requests within the SLO in a valid run.\n\n");
    md.append("| | baseline | managed |\n|---|---:|---:|\n");
    md.append("| capacity | ")
        .append(ConsoleTable.capacity(s.baselineCapacity()))
        .append(" | ")
        .append(ConsoleTable.capacity(s.managedCapacity()))
        .append(" |\n");
    md.append("| interpolated crossing | ")
        .append(rps(s.baselineCapacity().interpolatedRps()))
        .append(" | ")
        .append(rps(s.managedCapacity().interpolatedRps()))
        .append(" |\n");
    md.append("| gain | | ")
        .append(s.gainPct() == null ? "n/a" : Fmt.pct(s.gainPct()))
        .append(" |\n\n");
    if (s.gainNote() != null) {
      md.append("Note: ").append(s.gainNote()).append(".\n\n");
    }
    md.append(
        "| rate (req/s) | arm | p99 TTFT (ms) | within SLO | output tok/s per GPU | tok/s per user"
            + " | valid |\n"
            + "|---:|---|---:|---:|---:|---:|---|\n");
    for (int k = 0; k < s.rates().size(); k++) {
      for (SweepPoint p : List.of(s.baseline().get(k), s.managed().get(k))) {
        md.append("| ")
            .append(Fmt.num(p.rate()))
            .append(" | ")
            .append(p.arm())
            .append(" | ")
            .append(Fmt.num(p.p99TtftMs()))
            .append(" | ")
            .append(Fmt.num(p.goodputPct()))
            .append("% | ")
            .append(Fmt.num(p.outputPerGpu()))
            .append(" | ")
            .append(Fmt.num(p.tokensPerSPerUser()))
            .append(" | ")
            .append(p.valid() ? "yes" : "**no**")
            .append(" |\n");
      }
    }
  }

  static ArmProfile.ReplicaShare find(ArmProfile a, String id) {
    return a.replicas().stream().filter(r -> r.id().equals(id)).findFirst().orElse(null);
  }

  private static String share(ArmProfile.ReplicaShare r) {
    return r == null ? "n/a" : Fmt.num(r.sharePct()) + "%";
  }

  private static String util(ArmProfile.ReplicaShare r) {
    return r == null || Double.isNaN(r.meanUtilPct()) ? "n/a" : Fmt.num(r.meanUtilPct()) + "%";
  }

  private static String rps(Double v) {
    return v == null ? "n/a" : Fmt.num(v) + " req/s";
  }
}
