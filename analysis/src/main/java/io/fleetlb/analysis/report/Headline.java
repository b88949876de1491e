package io.fleetlb.analysis.report;

import io.fleetlb.analysis.compare.Comparison;
import io.fleetlb.analysis.compare.MetricResult;
import io.fleetlb.analysis.compare.MultiComparison;
import io.fleetlb.analysis.stats.Direction;
import io.fleetlb.analysis.stats.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * The one sentence that says what happened: the metric the comparison is about (p99 TTFT unless
 * {@code --headline} names another) with its interval, the steady-state output rate (never the
 * whole-run figure, which rewards a shorter drain tail, unless an imported arm has no steady
 * state), and the share of requests within the SLO. A change whose interval contains 0 reads "no
 * significant difference"; a significant one under the practical margin "no practical difference".
 */
public final class Headline {
  private Headline() {}

  /** One sentence per non-baseline arm of a multi-arm comparison, each against the baseline. */
  public static List<String> of(MultiComparison mc) {
    return mc.pairs().stream().map(Headline::of).toList();
  }

  public static String of(Comparison c) {
    String m = c.managed().label();
    String b = c.baseline().label();
    List<String> parts = new ArrayList<>();
    MetricResult lead = c.metric(c.settings().headline());
    String name = lead == null ? c.settings().headline() : lead.metric().label();
    parts.add(m + " " + lead(lead, name, c.settings().minEffectPct()) + " versus " + b);
    MetricResult steady = c.metric("steady_output_throughput");
    if (steady != null && steady.available()) {
      parts.add("steady-state output throughput " + change(steady, c.settings().minEffectPct()));
    } else {
      MetricResult whole = c.metric("output_throughput");
      if (whole != null && whole.available()) {
        parts.add(
            "whole-run output throughput (drain tail included: the runs recorded no steady state) "
                + change(whole, c.settings().minEffectPct()));
      }
    }
    MetricResult good = c.metric("goodput_fraction");
    if (good != null && good.available()) {
      parts.add(
          "requests within the SLO "
              + sloChange(good)
              + " ("
              + c.settings().slo().describe()
              + ")");
    }
    String sentence = String.join("; ", parts) + ".";
    return c.valid()
        ? sentence
        : "INVALID COMPARISON ("
            + c.reasons().size()
            + " reason"
            + (c.reasons().size() == 1 ? "" : "s")
            + " listed with it), read with care: "
            + sentence;
  }

  /**
   * The lead metric as a verb phrase: "cut p99 TTFT by 62% [95% CI 55-70%]", "raised ... by", "made
   * no significant difference to p99 TTFT (-34%, 95% CI -54% to +4.0%)".
   */
  static String lead(MetricResult r, String name, double margin) {
    if (r == null || !r.available()) {
      return "could not measure " + name;
    }
    if (r.verdict() == Verdict.SAME) {
      return "made " + sameKind(r) + " to " + name + " " + sameDetail(r, margin);
    }
    boolean lower = r.delta() < 0;
    String verb =
        r.direction() == Direction.LOWER_IS_BETTER
            ? (lower ? "cut" : "raised")
            : (lower ? "lowered" : "raised");
    return verb + " " + name + " by " + size(r);
  }

  /**
   * A secondary metric: "up 5% [95% CI 2-8%]", "down ...", ": no significant difference (+0.3%,
   * ...)".
   */
  static String change(MetricResult r, double margin) {
    if (r.verdict() == Verdict.SAME) {
      return "showed " + sameKind(r) + " " + sameDetail(r, margin);
    }
    return (r.delta() < 0 ? "down " : "up ") + size(r);
  }

  private static String sameKind(MetricResult r) {
    return r.ci95() != null && !r.ci95().contains(0)
        ? "no practical difference"
        : "no significant difference";
  }

  private static String sameDetail(MetricResult r, double margin) {
    String delta =
        Double.isNaN(r.deltaPct())
            ? Fmt.signed(r.delta()) + " " + r.metric().unit()
            : Fmt.pct(r.deltaPct());
    if (r.ci95() == null) {
      return "(" + delta + (r.note() == null ? "" : "; " + r.note()) + ")";
    }
    String ci = "95% CI " + range(r, true);
    return "("
        + delta
        + ", "
        + ci
        + (r.ci95().contains(0) ? "" : "; under the " + Fmt.compact(margin) + "% margin")
        + ")";
  }

  /** "62% [95% CI 55-70%]", or in the metric's unit when the baseline is 0. */
  private static String size(MetricResult r) {
    if (Double.isNaN(r.deltaPct())) {
      return Fmt.num(Math.abs(r.delta()))
          + " "
          + r.metric().unit()
          + " [95% CI "
          + Fmt.interval(r.ci95())
          + "]";
    }
    return Fmt.magnitude(r.deltaPct())
        + (r.ci95Pct() == null ? "" : " [95% CI " + range(r, false) + "]");
  }

  /** "unchanged at 90%", "90% and 92%, no significant difference", or "up from 90% to 95%". */
  private static String sloChange(MetricResult good) {
    String from = Fmt.num(good.baseline()) + "%";
    String to = Fmt.num(good.managed()) + "%";
    if (good.verdict() != Verdict.SAME) {
      return (good.delta() > 0 ? "up" : "down") + " from " + from + " to " + to;
    }
    return Math.abs(good.delta()) < 0.05
        ? "unchanged at " + to
        : from + " and " + to + ", no significant difference";
  }

  /** The relative interval as magnitudes (55-70%) when it excludes 0, else signed (-3% to +5%). */
  private static String range(MetricResult r, boolean signed) {
    if (r.ci95Pct() == null) {
      return Fmt.interval(r.ci95()) + " " + r.metric().unit();
    }
    double lo = r.ci95Pct().lo();
    double hi = r.ci95Pct().hi();
    if (signed) {
      return Fmt.pct(lo) + " to " + Fmt.pct(hi);
    }
    double a = Math.min(Math.abs(lo), Math.abs(hi));
    double z = Math.max(Math.abs(lo), Math.abs(hi));
    return Fmt.magnitude(a).replace("%", "") + "\u2013" + Fmt.magnitude(z);
  }
}
