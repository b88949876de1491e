package io.fleetlb.analysis.report;

import io.fleetlb.analysis.compare.ArmProfile;
import io.fleetlb.analysis.compare.Comparison;
import io.fleetlb.analysis.compare.MetricResult;
import io.fleetlb.analysis.compare.MultiComparison;
import io.fleetlb.analysis.compare.PairedDeltas;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The table compare.sh prints for three or more arms: each metric's baseline figure, then one
 * column group per arm (its figure, the change against the baseline, the interval, the verdict).
 */
public final class MultiConsoleTable {
  private static final String GROUP = " | %10s %7s  %-17s %-7s";
  private static final List<String> PER_MODEL =
      List.of(
          "p50_ttft_ms",
          "p99_ttft_ms",
          "p99_e2el_ms",
          "steady_output_throughput",
          "goodput_fraction");

  private MultiConsoleTable() {}

  public static void print(
      MultiComparison mc, List<String> headlines, ReferenceRatios ref, PrintWriter out) {
    List<Comparison> pairs = mc.pairs();
    int width = 51 + 48 * pairs.size();
    String bar = "=".repeat(width);
    out.println(bar);
    out.println(
        center(
            " Comparison of "
                + mc.arms().size()
                + " arms against "
                + mc.baseline().label()
                + " (baseline) ",
            width));
    out.println(bar);
    if (!mc.valid()) {
      out.println("!! INVALID COMPARISON: the numbers below cannot be trusted");
      mc.reasons().forEach(r -> out.println("!! - " + r));
      out.println(bar);
    }
    headlines.forEach(out::println);
    out.println();
    out.println(Setup.describe(mc));
    out.println();
    StringBuilder top = new StringBuilder(String.format(Locale.ROOT, "%-40s %10s", "", ""));
    StringBuilder head =
        new StringBuilder(String.format(Locale.ROOT, "%-40s %10s", "metric", "baseline"));
    for (Comparison c : pairs) {
      top.append(String.format(Locale.ROOT, " | %-45s", trim(c.managed().label(), 45)));
      head.append(
          String.format(Locale.ROOT, GROUP, "value", "delta%", "95% CI (delta%)", "verdict"));
    }
    out.println(top.toString().stripTrailing());
    out.println(head);
    List<String> notes = new ArrayList<>();
    String group = "";
    for (MetricResult r : mc.first().metrics()) {
      if (!r.metric().group().equals(group)) {
        group = r.metric().group();
        out.println("-- " + group + " " + "-".repeat(Math.max(0, width - 4 - group.length())));
      }
      row(out, r.metric().label() + " (" + r.metric().unit() + ")", r.key(), pairs, null, notes);
    }
    if (!mc.first().perModel().isEmpty()) {
      out.println();
      out.println("-- per model " + "-".repeat(width - 13));
      for (String model : mc.first().perModel().keySet()) {
        out.println(model);
        for (MetricResult r : mc.first().perModel().get(model)) {
          if (PER_MODEL.contains(r.key())) {
            String name = "  " + r.metric().label() + " (" + r.metric().unit() + ")";
            row(out, name, r.key(), pairs, model, notes);
          }
        }
      }
    }
    if (ref != null) {
      ref.console(out, mc, width);
    }
    paired(out, pairs, width);
    out.println();
    out.println("-- replicas: share of requests (share of its model) " + "-".repeat(width - 53));
    replicas(out, mc.arms());
    if (!notes.isEmpty()) {
      out.println();
      notes.forEach(n -> out.println("note: " + n));
    }
    if (!mc.warnings().isEmpty()) {
      out.println();
      mc.warnings().forEach(w -> out.println("warning: " + w));
    }
    out.println(bar);
    out.println(
        mc.valid()
            ? "VALID comparison"
            : "INVALID comparison: " + mc.reasons().size() + " reason(s) above");
    out.println(bar);
    out.flush();
  }

  /** One metric: the baseline, then each arm's figure, change, interval and verdict. */
  private static void row(
      PrintWriter out,
      String name,
      String key,
      List<Comparison> pairs,
      String model,
      List<String> notes) {
    StringBuilder line = new StringBuilder();
    for (int k = 0; k < pairs.size(); k++) {
      Comparison c = pairs.get(k);
      MetricResult r = model == null ? c.metric(key) : find(c.perModel().get(model), key);
      if (k == 0) {
        line.append(
            String.format(
                Locale.ROOT,
                "%-40s %10s",
                trim(name, 40),
                r == null ? "n/a" : Fmt.num(r.baseline())));
      }
      if (r == null) {
        line.append(String.format(Locale.ROOT, GROUP, "n/a", "", "", ""));
        continue;
      }
      line.append(
          String.format(
              Locale.ROOT,
              GROUP,
              Fmt.num(r.managed()),
              Fmt.pct(r.deltaPct()),
              Fmt.intervalPct(r.ci95Pct()),
              r.verdict().word()));
      if (r.note() != null) {
        notes.add(
            name.strip()
                + (model == null ? "" : " of " + model)
                + ", "
                + c.managed().label()
                + ": "
                + r.note());
      }
    }
    out.println(line.toString().stripTrailing());
  }

  static MetricResult find(List<MetricResult> list, String key) {
    if (list == null) {
      return null;
    }
    return list.stream().filter(r -> r.key().equals(key)).findFirst().orElse(null);
  }

  private static void paired(PrintWriter out, List<Comparison> pairs, int width) {
    if (pairs.stream().allMatch(c -> c.paired().isEmpty())) {
      return;
    }
    out.println();
    String title = "-- paired per-request differences (arm - baseline, same workload index) ";
    out.println(title + "-".repeat(Math.max(0, width - title.length())));
    for (Comparison c : pairs) {
      for (PairedDeltas.Summary p : c.paired()) {
        out.printf(
            Locale.ROOT,
            "%-22s %-12s mean %s ms %s, median %s ms; faster for %s of %d requests, slower for"
                + " %s%n",
            trim(c.managed().label(), 22),
            p.label(),
            Fmt.signed(p.meanMs()),
            Fmt.interval(p.meanCi95()),
            Fmt.signed(p.medianMs()),
            Fmt.num(p.fasterPct()) + "%",
            p.pairs(),
            Fmt.num(p.slowerPct()) + "%");
      }
    }
  }

  private static void replicas(PrintWriter out, List<ArmProfile> arms) {
    List<String> ids = new ArrayList<>();
    StringBuilder head =
        new StringBuilder(String.format(Locale.ROOT, "%-12s %-34s", "replica", "model"));
    for (ArmProfile a : arms) {
      head.append(String.format(Locale.ROOT, " %-24s", trim(a.label(), 24)));
      a.replicas().stream()
          .map(ArmProfile.ReplicaShare::id)
          .filter(id -> !ids.contains(id))
          .forEach(ids::add);
    }
    out.println(head.toString().stripTrailing());
    for (String id : ids) {
      String model =
          arms.stream()
              .map(a -> MarkdownReport.find(a, id))
              .filter(r -> r != null)
              .findFirst()
              .map(ArmProfile.ReplicaShare::model)
              .orElse("");
      StringBuilder line =
          new StringBuilder(
              String.format(Locale.ROOT, "%-12s %-34s", trim(id, 12), trim(model, 34)));
      for (ArmProfile a : arms) {
        ArmProfile.ReplicaShare r = MarkdownReport.find(a, id);
        line.append(
            String.format(
                Locale.ROOT,
                " %-24s",
                r == null
                    ? "n/a"
                    : Fmt.num(r.sharePct()) + "% (" + Fmt.num(r.shareOfModelPct()) + "%)"));
      }
      out.println(line.toString().stripTrailing());
    }
    for (String model : arms.get(0).balance().keySet()) {
      StringBuilder line =
          new StringBuilder(String.format(Locale.ROOT, "Jain index %-36s", trim(model, 36)));
      for (ArmProfile a : arms) {
        ArmProfile.Balance b = a.balance().get(model);
        line.append(
            String.format(Locale.ROOT, " %-24s", b == null ? "n/a" : Fmt.index(b.jainIndex())));
      }
      out.println(line.toString().stripTrailing());
    }
  }

  private static String trim(String s, int n) {
    return s.length() <= n ? s : "..." + s.substring(s.length() - n + 3);
  }

  private static String center(String s, int width) {
    int pad = Math.max(0, (width - s.length()) / 2);
    return "=".repeat(pad) + s + "=".repeat(Math.max(0, width - pad - s.length()));
  }
}
