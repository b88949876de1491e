package io.fleetlb.analysis.report;

import io.fleetlb.analysis.compare.ArmProfile;
import io.fleetlb.analysis.compare.Comparison;
import io.fleetlb.analysis.compare.MetricResult;
import io.fleetlb.analysis.compare.PairedDeltas;
import io.fleetlb.analysis.sweep.ArmCapacity;
import io.fleetlb.analysis.sweep.SweepResult;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * The side-by-side table compare.sh prints: every metric with both arms, the delta, its interval
 * and verdict.
 */
public final class ConsoleTable {
  private static final String ROW = "%-40s %10s %10s %10s %7s  %-17s %s%n";

  private ConsoleTable() {}

  public static void print(Comparison c, String headline, PrintWriter out) {
    String bar = "=".repeat(110);
    out.println(bar);
    out.println(
        center(
            " A/B comparison: "
                + c.baseline().label()
                + " (baseline) vs "
                + c.managed().label()
                + " (managed) "));
    out.println(bar);
    if (!c.valid()) {
      out.println("!! INVALID COMPARISON: the numbers below cannot be trusted");
      c.reasons().forEach(r -> out.println("!! - " + r));
      out.println(bar);
    }
    out.println(headline);
    out.println();
    out.println(Setup.describe(c));
    out.println();
    out.printf(
        Locale.ROOT,
        ROW,
        "metric",
        "baseline",
        "managed",
        "delta",
        "delta%",
        "95% CI (delta%)",
        "verdict");
    String group = "";
    for (MetricResult r : c.metrics()) {
      if (!r.metric().group().equals(group)) {
        group = r.metric().group();
        out.println("-- " + group + " " + "-".repeat(105 - group.length()));
      }
      row(out, r.metric().label() + unit(r), r);
    }
    if (!c.perModel().isEmpty()) {
      out.println();
      out.println("-- per model " + "-".repeat(97));
      for (var e : c.perModel().entrySet()) {
        out.println(e.getKey());
        for (MetricResult r : e.getValue()) {
          if (List.of(
                  "p50_ttft_ms",
                  "p99_ttft_ms",
                  "p99_e2el_ms",
                  "steady_output_throughput",
                  "goodput_fraction")
              .contains(r.key())) {
            row(out, "  " + r.metric().label() + unit(r), r);
          }
        }
      }
    }
    if (!c.paired().isEmpty()) {
      out.println();
      out.println(
          "-- paired per-request differences (managed - baseline, same workload index) "
              + "-".repeat(34));
    }
    for (PairedDeltas.Summary p : c.paired()) {
      out.printf(
          Locale.ROOT,
          "%-12s mean %s ms %s, median %s ms; managed faster for %s of %d requests, slower for"
              + " %s%n",
          p.label(),
          Fmt.signed(p.meanMs()),
          Fmt.interval(p.meanCi95()),
          Fmt.signed(p.medianMs()),
          Fmt.num(p.fasterPct()) + "%",
          p.pairs(),
          Fmt.num(p.slowerPct()) + "%");
    }
    out.println();
    out.println(
        "-- replicas: share of requests (share of its model), GPU utilisation " + "-".repeat(41));
    replicas(out, c.baseline(), c.managed());
    if (c.sweep() != null) {
      sweep(out, c.sweep());
    }
    if (!c.warnings().isEmpty()) {
      out.println();
      c.warnings().forEach(w -> out.println("warning: " + w));
    }
    out.println(bar);
    out.println(
        c.valid()
            ? "VALID comparison"
            : "INVALID comparison: " + c.reasons().size() + " reason(s) above");
    out.println(bar);
    out.flush();
  }

  private static void row(PrintWriter out, String name, MetricResult r) {
    String verdict = r.verdict().word() + (r.note() != null ? " (" + r.note() + ")" : "");
    out.printf(
        Locale.ROOT,
        ROW,
        trim(name, 40),
        Fmt.num(r.baseline()),
        Fmt.num(r.managed()),
        Fmt.signed(r.delta()),
        Fmt.pct(r.deltaPct()),
        Fmt.intervalPct(r.ci95Pct()),
        verdict);
  }

  private static String unit(MetricResult r) {
    return " (" + r.metric().unit() + ")";
  }

  private static void replicas(PrintWriter out, ArmProfile b, ArmProfile m) {
    out.printf(Locale.ROOT, "%-12s %-34s %-31s %-31s%n", "replica", "model", b.label(), m.label());
    for (ArmProfile.ReplicaShare rb : b.replicas()) {
      ArmProfile.ReplicaShare rm =
          m.replicas().stream().filter(x -> x.id().equals(rb.id())).findFirst().orElse(null);
      out.printf(
          Locale.ROOT,
          "%-12s %-34s %-31s %-31s%n",
          trim(rb.id(), 12),
          trim(rb.model(), 34),
          share(rb),
          share(rm));
    }
    for (ArmProfile.ReplicaShare rm : m.replicas()) {
      if (b.replicas().stream().noneMatch(x -> x.id().equals(rm.id()))) {
        out.printf(
            Locale.ROOT,
            "%-12s %-34s %-31s %-31s%n",
            trim(rm.id(), 12),
            trim(rm.model(), 34),
            "n/a",
            share(rm));
      }
    }
    for (var e : b.balance().entrySet()) {
      ArmProfile.Balance bm = m.balance().get(e.getKey());
      out.printf(
          Locale.ROOT,
          "Jain index %-36s %-31s %-31s%n",
          trim(e.getKey(), 36),
          Fmt.index(e.getValue().jainIndex()),
          bm == null ? "n/a" : Fmt.index(bm.jainIndex()));
    }
  }

  private static String share(ArmProfile.ReplicaShare r) {
    if (r == null) {
      return "n/a";
    }
    String s = Fmt.num(r.sharePct()) + "% (" + Fmt.num(r.shareOfModelPct()) + "%)";
    return Double.isNaN(r.meanUtilPct()) ? s : s + " " + Fmt.num(r.meanUtilPct()) + "% util";
  }

  private static void sweep(PrintWriter out, SweepResult s) {
    out.println();
    out.println(
        "-- sweep: capacity under the SLO (goodput >= "
            + Fmt.compact(s.goodputTargetPct())
            + "% of requests) "
            + "-".repeat(40));
    out.printf(
        Locale.ROOT,
        "%-10s %-34s %-34s%n",
        "rate",
        "baseline p99 TTFT / goodput",
        "managed p99 TTFT / goodput");
    for (int k = 0; k < s.rates().size(); k++) {
      var pb = s.baseline().get(k);
      var pm = s.managed().get(k);
      out.printf(
          Locale.ROOT,
          "%-10s %-34s %-34s%n",
          Fmt.num(pb.rate()),
          Fmt.num(pb.p99TtftMs())
              + " ms / "
              + Fmt.num(pb.goodputPct())
              + "%"
              + (pb.valid() ? "" : " INVALID"),
          Fmt.num(pm.p99TtftMs())
              + " ms / "
              + Fmt.num(pm.goodputPct())
              + "%"
              + (pm.valid() ? "" : " INVALID"));
    }
    out.println(
        "capacity: baseline "
            + capacity(s.baselineCapacity())
            + ", managed "
            + capacity(s.managedCapacity())
            + (s.gainPct() == null ? "" : ", gain " + Fmt.pct(s.gainPct()))
            + (s.gainNote() == null ? "" : " (" + s.gainNote() + ")"));
  }

  static String capacity(ArmCapacity a) {
    if (a.capacityRps() == null) {
      return "below the lowest rate swept";
    }
    return (a.atLeast() ? ">= " : "") + Fmt.num(a.capacityRps()) + " req/s";
  }

  private static String trim(String s, int n) {
    return s.length() <= n ? s : "..." + s.substring(s.length() - n + 3);
  }

  private static String center(String s) {
    int pad = Math.max(0, (110 - s.length()) / 2);
    return "=".repeat(pad) + s + "=".repeat(Math.max(0, 110 - pad - s.length()));
  }
}
