package io.fleetlb.analysis.report;

import static io.fleetlb.analysis.report.Html.esc;

import io.fleetlb.analysis.compare.ArmProfile;
import io.fleetlb.analysis.compare.Comparison;
import io.fleetlb.analysis.compare.MetricResult;
import io.fleetlb.analysis.compare.MultiComparison;
import io.fleetlb.analysis.compare.PairedDeltas;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * report.html of three or more arms: one self-contained page (inline CSS, charts as data URIs) with
 * a verdict line per arm against the baseline, the setup, the headline figures of every arm, charts
 * with every arm and every table with one column group per arm.
 */
public final class MultiHtmlReport {
  private MultiHtmlReport() {}

  public static String render(
      MultiComparison mc, List<String> headlines, ReferenceRatios ref, List<ChartImage> charts) {
    Map<String, ChartImage> ch = new LinkedHashMap<>();
    charts.forEach(x -> ch.putIfAbsent(x.file().replace("charts/", "").replace(".png", ""), x));
    List<Comparison> pairs = mc.pairs();
    String b = esc(mc.baseline().label());
    String others = esc(String.join(", ", pairs.stream().map(c -> c.managed().label()).toList()));
    StringBuilder h = new StringBuilder(1 << 20);
    h.append(
            "<!doctype html>\n"
                + "<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\""
                + " content=\"width=device-width, initial-scale=1\"><title>Comparison: ")
        .append(others)
        .append(" vs ")
        .append(b)
        .append("</title><style>\n")
        .append(HtmlReport.css())
        .append("</style></head><body><main>\n");
    h.append("<header class=\"top\"><div><div class=\"eyebrow\">fleetlb comparison of ")
        .append(mc.arms().size())
        .append(" arms</div><h1>")
        .append(others)
        .append(" <span class=\"vs\">vs</span> ")
        .append(b)
        .append("</h1></div><div class=\"status ")
        .append(mc.valid() ? "valid\">VALID COMPARISON" : "invalid\">INVALID COMPARISON")
        .append("</div></header>\n");
    if (!mc.valid()) {
      h.append(
          "<div class=\"banner\"><strong>Invalid comparison: the numbers below cannot be"
              + " trusted.</strong><ul>");
      mc.reasons().forEach(r -> h.append("<li>").append(esc(r)).append("</li>"));
      h.append("</ul></div>\n");
    }
    headlines.forEach(l -> h.append("<p class=\"headline\">").append(esc(l)).append("</p>\n"));
    h.append("<dl class=\"setup\">");
    setup(h, "Workload", Setup.workload(mc.first()));
    setup(h, "Runs", Setup.repetitions(mc));
    setup(h, "SLO and statistics", Setup.statistics(mc.first()));
    setup(h, "Validity", Setup.validity(mc));
    h.append("</dl>\n<h2>Headline figures</h2>");
    List<MetricResult> kpis = new ArrayList<>();
    for (String k : HtmlReport.KPIS) {
      MetricResult r = mc.first().metric(k);
      if (r != null && r.available()) {
        kpis.add(r);
      }
    }
    table(h, pairs, null, kpis, false);
    if (ref != null) {
      ref.html(h, mc);
    }
    h.append("<h2>Latency</h2><div class=\"grid2\">")
        .append(HtmlReport.fig(ch, "ttft_cdf"))
        .append(HtmlReport.fig(ch, "e2el_cdf"))
        .append("</div>\n<div class=\"grid2\" style=\"margin-top:14px\">");
    for (String k :
        List.of("percentiles_ttft", "percentiles_tpot", "percentiles_itl", "percentiles_e2el")) {
      h.append(HtmlReport.fig(ch, k));
    }
    h.append(
            "</div>\n<h2>Every metric</h2><p class=\"muted\">Each arm against the baseline ("
                + b
                + "): delta % = arm \u2212 baseline in percent of the baseline, with the 95%"
                + " interval of a ")
        .append(
            mc.first().pairing().equals("none")
                ? "bootstrap over each arm's requests"
                : "paired bootstrap over the same requests in both arms")
        .append(
            " and over repetitions, computed for each pair as in a two-arm comparison; <span"
                + " class=\"chip same\">same</span> means no significant difference (the interval"
                + " contains 0)")
        .append(HtmlReport.margin(mc.first()))
        .append(
            ". Lower is better for latency and failures, higher for throughput and"
                + " goodput.</p>\n");
    table(h, pairs, null, mc.first().metrics(), true);
    paired(h, pairs);
    h.append("<h2>Over time</h2><div class=\"grid2\">")
        .append(HtmlReport.fig(ch, "throughput_over_time"))
        .append(HtmlReport.fig(ch, "ttft_p99_over_time"))
        .append(HtmlReport.fig(ch, "gpu_util_over_time"))
        .append(HtmlReport.fig(ch, "queue_over_time"))
        .append("</div>\n<h2>Replicas and balance</h2>");
    replicas(h, mc.arms());
    h.append("<div class=\"grid2\" style=\"margin-top:14px\">")
        .append(HtmlReport.fig(ch, "replica_share"))
        .append("<div>");
    balance(h, mc.arms());
    h.append("</div></div>\n");
    if (!mc.first().perModel().isEmpty()) {
      h.append("<h2>Per model</h2>");
      for (String model : mc.first().perModel().keySet()) {
        List<MetricResult> rows =
            mc.first().perModel().get(model).stream()
                .filter(r -> PerModelTable.KEYS.contains(r.key()))
                .toList();
        h.append("<h3>")
            .append(esc(model))
            .append(" <span class=\"muted\">")
            .append(
                esc(Fmt.num(mc.first().workload().modelShares().getOrDefault(model, Double.NaN))))
            .append("% of requests</span></h3>");
        table(h, pairs, model, rows, false);
      }
    }
    if (!mc.warnings().isEmpty()) {
      h.append("<h2>Warnings</h2><ul class=\"warn\">");
      mc.warnings().forEach(w -> h.append("<li>").append(esc(w)).append("</li>"));
      h.append("</ul>");
    }
    h.append("<footer>workload_hash <code>")
        .append(esc(mc.first().workloadHash()))
        .append("</code> \u00b7 ")
        .append(mc.first().settings().bootstrap())
        .append(" bootstrap resamples, seed ")
        .append(mc.first().settings().seed())
        .append(
            " \u00b7 generated by analysis/compare.sh; every figure is also in comparison.json; how"
                + " to read it: docs/report.md</footer>\n"
                + "</main></body></html>\n");
    return h.toString();
  }

  private static void setup(StringBuilder h, String k, String v) {
    h.append("<div><dt>").append(esc(k)).append("</dt><dd>").append(esc(v)).append("</dd></div>");
  }

  /** Metrics as rows: the baseline, then per arm its figure, change with interval, verdict. */
  private static void table(
      StringBuilder h,
      List<Comparison> pairs,
      String model,
      List<MetricResult> rows,
      boolean groups) {
    int cols = 2 + 3 * pairs.size();
    h.append("<table><tr><th>metric</th><th>baseline</th>");
    for (Comparison c : pairs) {
      h.append("<th>")
          .append(esc(c.managed().label()))
          .append("</th><th class=\"l\">delta % [95% CI]</th><th class=\"l\">verdict</th>");
    }
    h.append("</tr>");
    String group = "";
    for (MetricResult first : rows) {
      if (groups && !first.metric().group().equals(group)) {
        group = first.metric().group();
        h.append("<tr class=\"group\"><td colspan=\"")
            .append(cols)
            .append("\">")
            .append(esc(group))
            .append("</td></tr>");
      }
      h.append("<tr><td>")
          .append(esc(first.metric().label()))
          .append(" <span class=\"muted\">")
          .append(esc(first.metric().unit()))
          .append("</span></td><td>")
          .append(esc(Fmt.num(first.baseline())))
          .append("</td>");
      for (Comparison c : pairs) {
        MetricResult r =
            model == null
                ? c.metric(first.key())
                : MultiConsoleTable.find(c.perModel().get(model), first.key());
        if (r == null) {
          h.append("<td>n/a</td><td></td><td></td>");
          continue;
        }
        h.append("<td><b>")
            .append(esc(Fmt.num(r.managed())))
            .append("</b></td><td class=\"l\">")
            .append(esc(Fmt.pct(r.deltaPct())))
            .append(" <span class=\"muted\">")
            .append(esc(Fmt.intervalPct(r.ci95Pct())))
            .append("</span></td><td class=\"l\">")
            .append(Html.chip(r))
            .append(r.note() == null ? "" : " <span class=\"muted\">" + esc(r.note()) + "</span>")
            .append("</td>");
      }
      h.append("</tr>");
    }
    h.append("</table>\n");
  }

  private static void paired(StringBuilder h, List<Comparison> pairs) {
    if (pairs.stream().allMatch(c -> c.paired().isEmpty())) {
      return;
    }
    h.append(
        "<h2>Request by request</h2><p class=\"muted\">Each workload request compared with itself"
            + " in the arm and in the baseline (its latency averaged over repetitions), arm"
            + " \u2212 baseline.</p><table><tr><th>arm</th><th>latency</th><th>requests</th>"
            + "<th>mean delta</th><th class=\"l\">95% CI</th><th>median delta</th><th>middle"
            + " 50%</th><th>arm faster</th><th>arm slower</th></tr>");
    for (Comparison c : pairs) {
      for (PairedDeltas.Summary p : c.paired()) {
        h.append("<tr><td>").append(esc(c.managed().label())).append("</td><td>");
        HtmlReport.pairedCells(h, p);
      }
    }
    h.append("</table>\n");
  }

  private static void replicas(StringBuilder h, List<ArmProfile> arms) {
    List<String> ids = new ArrayList<>();
    h.append("<table><tr><th>replica</th><th class=\"l\">model</th>");
    for (ArmProfile a : arms) {
      h.append("<th>").append(esc(a.label())).append("</th>");
      a.replicas().stream()
          .map(ArmProfile.ReplicaShare::id)
          .filter(id -> !ids.contains(id))
          .forEach(ids::add);
    }
    h.append("</tr>");
    for (String id : ids) {
      String model =
          arms.stream()
              .map(a -> MarkdownReport.find(a, id))
              .filter(r -> r != null)
              .findFirst()
              .map(ArmProfile.ReplicaShare::model)
              .orElse("");
      h.append("<tr><td>")
          .append(esc(id))
          .append("</td><td class=\"l\">")
          .append(esc(HtmlReport.shortModel(model)))
          .append("</td>");
      for (ArmProfile a : arms) {
        ArmProfile.ReplicaShare r = MarkdownReport.find(a, id);
        h.append("<td>")
            .append(r == null ? "n/a" : esc(Fmt.num(r.sharePct())) + "%")
            .append(
                r == null || Double.isNaN(r.meanUtilPct())
                    ? ""
                    : " <span class=\"muted\">" + esc(Fmt.num(r.meanUtilPct())) + "% util</span>")
            .append("</td>");
      }
      h.append("</tr>");
    }
    h.append("</table>\n");
  }

  private static void balance(StringBuilder h, List<ArmProfile> arms) {
    h.append(
        "<h3>Balance (Jain's index over each model's replicas; 1 = even)</h3><table><tr>"
            + "<th>model</th>");
    arms.forEach(a -> h.append("<th>").append(esc(a.label())).append("</th>"));
    h.append("</tr>");
    for (String model : arms.get(0).balance().keySet()) {
      h.append("<tr><td>").append(esc(HtmlReport.shortModel(model))).append("</td>");
      for (ArmProfile a : arms) {
        ArmProfile.Balance bal = a.balance().get(model);
        h.append("<td>")
            .append(bal == null ? "n/a" : esc(Fmt.index(bal.jainIndex())))
            .append("</td>");
      }
      h.append("</tr>");
    }
    h.append(
        "</table><p class=\"muted\">An even split of requests is not the goal: a queue-aware router"
            + " sends fewer requests to a replica that is busy with long ones.</p>");
  }
}
