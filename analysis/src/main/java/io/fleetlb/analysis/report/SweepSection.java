package io.fleetlb.analysis.report;

import static io.fleetlb.analysis.report.Html.esc;

import io.fleetlb.analysis.sweep.SweepPoint;
import io.fleetlb.analysis.sweep.SweepResult;
import java.util.List;
import java.util.Map;

/** The sweep section of report.html: capacity cards, the sweep's charts and its table. */
final class SweepSection {
  private SweepSection() {}

  static void render(
      StringBuilder h, SweepResult s, Map<String, ChartImage> ch, String b, String m) {
    h.append(
            "<h2>Capacity under the SLO</h2><p class=\"muted\">Capacity = the highest offered rate"
                + " at which an arm, and every lower swept rate, kept at least ")
        .append(esc(Fmt.compact(s.goodputTargetPct())))
        .append("% of requests within the SLO in a valid run.</p><div class=\"kpis\">");
    card(
        h,
        b + " capacity",
        ConsoleTable.capacity(s.baselineCapacity()),
        interp(s.baselineCapacity().interpolatedRps()),
        "same");
    card(
        h,
        m + " capacity",
        ConsoleTable.capacity(s.managedCapacity()),
        interp(s.managedCapacity().interpolatedRps()),
        "same");
    String cls =
        s.gainPct() == null
            ? "same"
            : s.gainPct() > 0 ? "better" : s.gainPct() < 0 ? "worse" : "same";
    card(
        h,
        "capacity gain",
        s.gainPct() == null ? "n/a" : Fmt.pct(s.gainPct()),
        s.gainNote() == null ? "" : s.gainNote(),
        cls);
    h.append("</div><div class=\"grid2\" style=\"margin-top:14px\">")
        .append(HtmlReport.fig(ch, "sweep_p99_ttft"))
        .append(HtmlReport.fig(ch, "sweep_goodput"))
        .append(HtmlReport.fig(ch, "sweep_throughput_per_gpu"))
        .append("<div>");
    h.append(
        "<table><tr><th>rate</th><th class=\"l\">arm</th><th>p99 TTFT</th><th>within"
            + " SLO</th><th>tok/s per GPU</th><th>tok/s per user</th></tr>");
    for (int k = 0; k < s.rates().size(); k++) {
      for (SweepPoint p : List.of(s.baseline().get(k), s.managed().get(k))) {
        h.append("<tr><td>")
            .append(esc(Fmt.num(p.rate())))
            .append("</td><td class=\"l\">")
            .append(esc(p.arm().equals("baseline") ? b : m))
            .append(p.valid() ? "" : " <span class=\"chip worse\">invalid</span>")
            .append("</td><td>")
            .append(esc(Fmt.num(p.p99TtftMs())))
            .append(" ms</td><td>")
            .append(esc(Fmt.num(p.goodputPct())))
            .append("%</td><td>")
            .append(esc(Fmt.num(p.outputPerGpu())))
            .append("</td><td>")
            .append(esc(Fmt.num(p.tokensPerSPerUser())))
            .append("</td></tr>");
      }
    }
    h.append("</table></div></div>\n");
  }

  private static void card(StringBuilder h, String name, String value, String sub, String cls) {
    h.append("<div class=\"kpi ")
        .append(cls)
        .append("\"><div class=\"name\">")
        .append(esc(name))
        .append("</div><div class=\"value\">")
        .append(esc(value))
        .append("</div><div class=\"was\">")
        .append(esc(sub))
        .append("</div></div>");
  }

  private static String interp(Double v) {
    return v == null ? "" : "goodput crosses the target near " + Fmt.num(v) + " req/s";
  }
}
