package io.fleetlb.analysis.report;

import static io.fleetlb.analysis.report.Html.esc;

import io.fleetlb.analysis.compare.Comparison;
import io.fleetlb.analysis.compare.MetricResult;
import java.util.List;

/**
 * The per-model table of report.html: one row per model, each cell baseline -> managed with its
 * verdict.
 */
final class PerModelTable {
  static final List<String> KEYS =
      List.of(
          "p50_ttft_ms",
          "p99_ttft_ms",
          "p99_tpot_ms",
          "p99_e2el_ms",
          "steady_output_throughput",
          "goodput_fraction");

  private PerModelTable() {}

  static void render(StringBuilder h, Comparison c) {
    h.append("<table><tr><th>model</th><th>share</th>");
    List<MetricResult> first = c.perModel().values().iterator().next();
    for (String k : KEYS) {
      first.stream()
          .filter(r -> r.key().equals(k))
          .findFirst()
          .ifPresent(
              r ->
                  h.append("<th>")
                      .append(esc(r.metric().label()))
                      .append(" <span class=\"muted\">")
                      .append(esc(r.metric().unit()))
                      .append("</span></th>"));
    }
    h.append("</tr>");
    c.perModel()
        .forEach(
            (model, list) -> {
              h.append("<tr><td>")
                  .append(esc(HtmlReport.shortModel(model)))
                  .append("</td><td>")
                  .append(esc(Fmt.num(c.workload().modelShares().getOrDefault(model, Double.NaN))))
                  .append("%</td>");
              for (String k : KEYS) {
                list.stream()
                    .filter(r -> r.key().equals(k))
                    .findFirst()
                    .ifPresent(
                        r ->
                            h.append("<td>")
                                .append(esc(Fmt.num(r.baseline())))
                                .append(" \u2192 <b>")
                                .append(esc(Fmt.num(r.managed())))
                                .append("</b><br>")
                                .append(Html.chip(r))
                                .append(" <span class=\"muted\">")
                                .append(esc(Fmt.pct(r.deltaPct())))
                                .append("</span></td>"));
              }
              h.append("</tr>");
            });
    h.append(
        "</table>\n"
            + "<p class=\"muted\">Cells: baseline \u2192 managed; every interval is in"
            + " comparison.json and report.md.</p>\n");
  }
}
