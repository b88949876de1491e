package io.fleetlb.analysis.report;

import static io.fleetlb.analysis.report.Html.esc;

import io.fleetlb.analysis.compare.ArmProfile;
import io.fleetlb.analysis.compare.Comparison;
import io.fleetlb.analysis.compare.MetricResult;
import io.fleetlb.analysis.compare.PairedDeltas;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * report.html: one self-contained page (inline CSS, charts as data URIs, no external resource) that
 * leads with the verdict, then the setup, headline figures, charts and every table.
 */
public final class HtmlReport {
  static final List<String> KPIS =
      List.of(
          "p99_ttft_ms",
          "p50_ttft_ms",
          "p99_e2el_ms",
          "steady_output_throughput",
          "goodput_fraction",
          "mean_gpu_util_pct");

  private HtmlReport() {}

  public static String render(Comparison c, String headline, List<ChartImage> charts) {
    Map<String, ChartImage> ch =
        charts.stream()
            .collect(
                Collectors.toMap(
                    x -> x.file().replace("charts/", "").replace(".png", ""),
                    x -> x,
                    (a, b) -> a,
                    java.util.LinkedHashMap::new));
    String b = esc(c.baseline().label());
    String m = esc(c.managed().label());
    StringBuilder h = new StringBuilder(1 << 20);
    h.append(
            "<!doctype html>\n"
                + "<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\""
                + " content=\"width=device-width, initial-scale=1\"><title>A/B comparison: ")
        .append(m)
        .append(" vs ")
        .append(b)
        .append("</title><style>\n")
        .append(css())
        .append("</style></head><body><main>\n");
    h.append("<header class=\"top\"><div><div class=\"eyebrow\">fleetlb A/B comparison</div><h1>")
        .append(m)
        .append(" <span class=\"vs\">vs</span> ")
        .append(b)
        .append("</h1></div><div class=\"status ")
        .append(c.valid() ? "valid\">VALID COMPARISON" : "invalid\">INVALID COMPARISON")
        .append("</div></header>\n");
    if (!c.valid()) {
      h.append(
          "<div class=\"banner\"><strong>Invalid comparison: the numbers below cannot be"
              + " trusted.</strong><ul>");
      c.reasons().forEach(r -> h.append("<li>").append(esc(r)).append("</li>"));
      h.append("</ul></div>\n");
    }
    h.append("<p class=\"headline\">").append(esc(headline)).append("</p>\n");
    h.append("<dl class=\"setup\">");
    setup(h, "Workload", Setup.workload(c));
    setup(h, "Runs", Setup.repetitions(c));
    setup(h, "SLO and statistics", Setup.statistics(c));
    setup(h, "Validity", Setup.validity(c));
    h.append("</dl>\n<div class=\"kpis\">");
    for (String k : KPIS) {
      MetricResult r = c.metric(k);
      if (r != null && r.available()) {
        kpi(h, r, b);
      }
    }
    h.append("</div>\n");
    h.append("<h2>Latency</h2><div class=\"grid2\">")
        .append(fig(ch, "ttft_cdf"))
        .append(fig(ch, "e2el_cdf"))
        .append("</div>\n<div class=\"grid2\" style=\"margin-top:14px\">");
    for (String k :
        List.of("percentiles_ttft", "percentiles_tpot", "percentiles_itl", "percentiles_e2el")) {
      h.append(fig(ch, k));
    }
    h.append(
            "</div>\n"
                + "<h2>Every metric</h2><p class=\"muted\">Delta = managed \u2212 baseline. The 95%"
                + " interval is a ")
        .append(
            c.pairing().equals("none")
                ? "bootstrap over each arm's requests"
                : "paired bootstrap over the same requests in both arms")
        .append(
            " and over repetitions; <span class=\"chip same\">same</span> means no significant"
                + " difference (the interval contains 0)")
        .append(margin(c))
        .append(
            ". Lower is better for latency and failures, higher "
                + "for throughput and goodput.</p>\n");
    metricTable(h, c.metrics());
    if (!c.paired().isEmpty()) {
      h.append(
          "<h2>Request by request</h2><p class=\"muted\">Each workload request compared with itself"
              + " across the arms (its latency averaged over repetitions), managed \u2212"
              + " baseline.</p>");
      paired(h, c.paired());
    }
    h.append("<h2>Over time</h2><div class=\"grid2\">")
        .append(fig(ch, "throughput_over_time"))
        .append(fig(ch, "ttft_p99_over_time"))
        .append(fig(ch, "gpu_util_over_time"))
        .append(fig(ch, "queue_over_time"))
        .append("</div>\n");
    h.append("<h2>Replicas and balance</h2>");
    replicas(h, c, b, m, fig(ch, "replica_share"));
    if (!c.perModel().isEmpty()) {
      h.append("<h2>Per model</h2>");
      PerModelTable.render(h, c);
    }
    if (c.sweep() != null) {
      SweepSection.render(h, c.sweep(), ch, b, m);
    }
    if (!c.warnings().isEmpty()) {
      h.append("<h2>Warnings</h2><ul class=\"warn\">");
      c.warnings().forEach(w -> h.append("<li>").append(esc(w)).append("</li>"));
      h.append("</ul>");
    }
    h.append("<footer>workload_hash <code>")
        .append(esc(c.workloadHash()))
        .append("</code> \u00b7 ")
        .append(c.settings().bootstrap())
        .append(" bootstrap resamples, seed ")
        .append(c.settings().seed())
        .append(
            " \u00b7 generated by analysis/compare.sh; every figure is also in comparison.json; how"
                + " to read it: docs/report.md</footer>\n"
                + "</main></body></html>\n");
    return h.toString();
  }

  private static void setup(StringBuilder h, String k, String v) {
    h.append("<div><dt>").append(esc(k)).append("</dt><dd>").append(esc(v)).append("</dd></div>");
  }

  private static void kpi(StringBuilder h, MetricResult r, String baseline) {
    String unit = r.metric().unit();
    h.append("<div class=\"kpi ")
        .append(r.verdict().word())
        .append("\"><div class=\"name\">")
        .append(esc(r.metric().label()))
        .append("</div><div class=\"value\">")
        .append(esc(Fmt.num(r.managed())))
        .append(" <small>")
        .append(esc(unit))
        .append("</small></div><div class=\"was\">")
        .append(baseline)
        .append(": ")
        .append(esc(Fmt.withUnit(r.baseline(), unit)))
        .append("</div><div class=\"delta\">")
        .append(Html.chip(r))
        .append(" ")
        .append(esc(Fmt.pct(r.deltaPct())))
        .append(" <span class=\"muted\">95% CI ")
        .append(esc(Fmt.intervalPct(r.ci95Pct())))
        .append("</span></div></div>");
  }

  private static void metricTable(StringBuilder h, List<MetricResult> list) {
    h.append(
        "<table><tr><th>metric</th><th>baseline</th><th>managed</th><th>delta</th><th>delta %</th>"
            + "<th class=\"l\">95% CI of delta %</th><th class=\"l\">verdict</th></tr>");
    String group = "";
    for (MetricResult r : list) {
      if (!r.metric().group().equals(group)) {
        group = r.metric().group();
        h.append("<tr class=\"group\"><td colspan=\"7\">").append(esc(group)).append("</td></tr>");
      }
      h.append("<tr><td>")
          .append(esc(r.metric().label()))
          .append(" <span class=\"muted\">")
          .append(esc(r.metric().unit()))
          .append("</span></td><td>")
          .append(esc(Fmt.num(r.baseline())))
          .append("</td><td>")
          .append(esc(Fmt.num(r.managed())))
          .append("</td><td>")
          .append(esc(Fmt.signed(r.delta())))
          .append("</td><td>")
          .append(esc(Fmt.pct(r.deltaPct())))
          .append("</td><td class=\"l\">")
          .append(esc(Fmt.intervalPct(r.ci95Pct())))
          .append("</td><td class=\"l\">")
          .append(Html.chip(r))
          .append(r.note() == null ? "" : " <span class=\"muted\">" + esc(r.note()) + "</span>")
          .append("</td></tr>");
    }
    h.append("</table>\n");
  }

  private static void paired(StringBuilder h, List<PairedDeltas.Summary> list) {
    h.append(
        "<table><tr><th>latency</th><th>requests</th><th>mean delta</th><th class=\"l\">95%"
            + " CI</th><th>median delta</th><th>middle 50%</th><th>managed faster</th><th>managed"
            + " slower</th></tr>");
    for (PairedDeltas.Summary p : list) {
      h.append("<tr><td>");
      pairedCells(h, p);
    }
    h.append("</table>\n");
  }

  /** One paired-deltas row from its label cell on (the caller opened the row). */
  static void pairedCells(StringBuilder h, PairedDeltas.Summary p) {
    h.append(esc(p.label()))
        .append("</td><td>")
        .append(p.pairs())
        .append("</td><td>")
        .append(esc(Fmt.signed(p.meanMs())))
        .append(" ms</td><td class=\"l\">")
        .append(esc(Fmt.interval(p.meanCi95())))
        .append(" ms</td><td>")
        .append(esc(Fmt.signed(p.medianMs())))
        .append(" ms</td><td>")
        .append(esc(Fmt.signed(p.p25Ms())))
        .append(" to ")
        .append(esc(Fmt.signed(p.p75Ms())))
        .append(" ms</td><td>")
        .append(esc(Fmt.num(p.fasterPct())))
        .append("%</td><td>")
        .append(esc(Fmt.num(p.slowerPct())))
        .append("%</td></tr>");
  }

  private static void replicas(StringBuilder h, Comparison c, String b, String m, String chart) {
    h.append(
            "<table><tr><th>replica</th><th class=\"l\">model</th><th><span class=\"sw b\"></span>")
        .append(b)
        .append("</th><th><span class=\"sw m\"></span>")
        .append(m)
        .append("</th><th>GPU util ")
        .append(b)
        .append("</th><th>GPU util ")
        .append(m)
        .append("</th></tr>");
    for (ArmProfile.ReplicaShare rb : c.baseline().replicas()) {
      ArmProfile.ReplicaShare rm = MarkdownReport.find(c.managed(), rb.id());
      h.append("<tr><td>")
          .append(esc(rb.id()))
          .append("</td><td class=\"l\">")
          .append(esc(shortModel(rb.model())))
          .append("</td><td>")
          .append(esc(Fmt.num(rb.sharePct())))
          .append("%</td><td>")
          .append(rm == null ? "n/a" : esc(Fmt.num(rm.sharePct())) + "%")
          .append("</td><td>")
          .append(esc(Fmt.withUnit(rb.meanUtilPct(), "%")))
          .append("</td><td>")
          .append(rm == null ? "n/a" : esc(Fmt.withUnit(rm.meanUtilPct(), "%")))
          .append("</td></tr>");
    }
    h.append("</table>\n<div class=\"grid2\" style=\"margin-top:14px\">")
        .append(chart)
        .append(
            "<div><h3>Balance (Jain's index over each model's replicas; 1 ="
                + " even)</h3><table><tr><th>model</th><th>")
        .append(b)
        .append("</th><th>")
        .append(m)
        .append("</th></tr>");
    c.baseline()
        .balance()
        .forEach(
            (model, bal) -> {
              ArmProfile.Balance bm = c.managed().balance().get(model);
              h.append("<tr><td>")
                  .append(esc(shortModel(model)))
                  .append("</td><td>")
                  .append(esc(Fmt.index(bal.jainIndex())))
                  .append("</td><td>")
                  .append(bm == null ? "n/a" : esc(Fmt.index(bm.jainIndex())))
                  .append("</td></tr>");
            });
    h.append(
        "</table><p class=\"muted\">An even split of requests is not the goal: a queue-aware router"
            + " sends fewer requests to a replica that is busy with long ones.</p></div></div>\n");
  }

  static String shortModel(String model) {
    int slash = model == null ? -1 : model.indexOf('/');
    return slash < 0 ? String.valueOf(model) : model.substring(slash + 1);
  }

  static String fig(Map<String, ChartImage> charts, String name) {
    ChartImage c = charts.get(name);
    return c == null ? "" : Html.figure(c);
  }

  static String css() {
    try (InputStream in = HtmlReport.class.getResourceAsStream("report.css")) {
      if (in == null) {
        throw new IllegalStateException("report.css is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** ", or the change is under the N% margin" when compare.sh ran with a practical margin. */
  static String margin(Comparison c) {
    double m = c.settings().minEffectPct();
    return m > 0 ? " or the change is under the " + Fmt.num(m) + "% margin" : "";
  }
}
