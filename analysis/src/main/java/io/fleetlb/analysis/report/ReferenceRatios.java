package io.fleetlb.analysis.report;

import io.fleetlb.analysis.compare.ArmProfile;
import io.fleetlb.analysis.compare.MultiComparison;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every arm's latency and output rate as a ratio of one reference arm's ({@code compare.sh
 * --reference oracle}: each router's distance to the oracle). Point estimates: the quotient of the
 * arms' pooled figures, without an interval.
 *
 * @param reference the reference arm's label
 * @param keys the metrics, in order
 * @param ratios arm label -> metric key -> arm / reference (NaN where either figure is missing or
 *     the reference's is 0)
 */
public record ReferenceRatios(
    String reference, List<String> keys, Map<String, Map<String, Double>> ratios) {

  /** The metrics compared with the reference: TTFT and E2E latency, and the steady output rate. */
  static final List<String> KEYS =
      List.of(
          "mean_ttft_ms", "p50_ttft_ms", "p99_ttft_ms", "p99_e2el_ms", "steady_output_throughput");

  /** The ratios to the arm labelled {@code reference}, or null when reference is null. */
  public static ReferenceRatios of(MultiComparison mc, String reference) {
    if (reference == null) {
      return null;
    }
    List<ArmProfile> arms = mc.arms();
    int ref = -1;
    for (int k = 0; k < arms.size(); k++) {
      if (arms.get(k).label().equals(reference)) {
        ref = k;
      }
    }
    if (ref < 0) {
      throw new IllegalArgumentException(reference);
    }
    List<String> keys = new ArrayList<>();
    Map<String, Map<String, Double>> ratios = new LinkedHashMap<>();
    arms.forEach(a -> ratios.put(a.label(), new LinkedHashMap<>()));
    for (String key : KEYS) {
      double[] v = mc.values(key);
      if (v == null) {
        continue;
      }
      keys.add(key);
      for (int k = 0; k < arms.size(); k++) {
        double r = v[ref] == 0 ? Double.NaN : v[k] / v[ref];
        ratios.get(arms.get(k).label()).put(key, r);
      }
    }
    return new ReferenceRatios(reference, List.copyOf(keys), ratios);
  }

  /** The console table's section. */
  void console(PrintWriter out, MultiComparison mc, int width) {
    out.println();
    String title = "-- ratio to " + reference + " (arm / " + reference + ") ";
    out.println(title + "-".repeat(Math.max(0, width - title.length())));
    StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-40s", "metric"));
    mc.arms().forEach(a -> head.append(String.format(Locale.ROOT, " %24s", a.label())));
    out.println(head);
    for (String key : keys) {
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-40s", label(mc, key)));
      for (ArmProfile a : mc.arms()) {
        line.append(String.format(Locale.ROOT, " %24s", times(ratios.get(a.label()).get(key))));
      }
      out.println(line);
    }
  }

  /** report.md's section. */
  void markdown(StringBuilder md, MultiComparison mc) {
    md.append("\n## Distance to ")
        .append(reference)
        .append("\n\nEach arm's figure divided by ")
        .append(reference)
        .append("'s (point estimates of the pooled figures, no interval).\n\n| metric |");
    StringBuilder rule = new StringBuilder("|---|");
    for (ArmProfile a : mc.arms()) {
      md.append(" ").append(a.label()).append(" |");
      rule.append("---:|");
    }
    md.append('\n').append(rule).append('\n');
    for (String key : keys) {
      md.append("| ").append(label(mc, key)).append(" |");
      for (ArmProfile a : mc.arms()) {
        md.append(" ").append(times(ratios.get(a.label()).get(key))).append(" |");
      }
      md.append('\n');
    }
  }

  /** report.html's section. */
  void html(StringBuilder h, MultiComparison mc) {
    h.append("<h2>Distance to ")
        .append(Html.esc(reference))
        .append("</h2><p class=\"muted\">Each arm's figure divided by ")
        .append(Html.esc(reference))
        .append("'s (point estimates of the pooled figures, no interval).</p><table><tr>")
        .append("<th>metric</th>");
    mc.arms().forEach(a -> h.append("<th>").append(Html.esc(a.label())).append("</th>"));
    h.append("</tr>");
    for (String key : keys) {
      h.append("<tr><td>").append(Html.esc(label(mc, key))).append("</td>");
      for (ArmProfile a : mc.arms()) {
        h.append("<td>").append(times(ratios.get(a.label()).get(key))).append("</td>");
      }
      h.append("</tr>");
    }
    h.append("</table>\n");
  }

  /** The metric's label as the reports print it. */
  static String label(MultiComparison mc, String key) {
    var r = mc.first().metric(key);
    return r.metric().label() + " (" + r.metric().unit() + ")";
  }

  /** A ratio as the reports print it: "1.23x", or n/a. */
  static String times(double r) {
    return Double.isNaN(r) ? "n/a" : String.format(Locale.ROOT, "%.2fx", r);
  }
}
