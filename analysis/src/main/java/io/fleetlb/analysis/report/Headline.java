package io.fleetlb.analysis.report;

import io.fleetlb.analysis.compare.Comparison;
import io.fleetlb.analysis.compare.MetricResult;
import io.fleetlb.analysis.stats.Verdict;
import java.util.ArrayList;
import java.util.List;

/** The one sentence that says what happened, e.g. "managed cut p99 TTFT by 62% [95% CI 55-70%] ...". */
public final class Headline {
  private Headline() {
  }

  public static String of(Comparison c) {
    String m = c.managed().label();
    String b = c.baseline().label();
    List<String> parts = new ArrayList<>();
    MetricResult p99 = c.metric("p99_ttft_ms");
    parts.add(m + " " + change(p99, "p99 TTFT", "cut", "raised", "left", true) + " versus " + b);
    MetricResult tput = c.metric("output_throughput");
    if (tput != null && tput.available() && tput.verdict() != Verdict.SAME && Math.abs(tput.deltaPct()) < 1) {
      // significant but immaterial (e.g. a slightly longer drain tail): say how small rather than "worse"
      parts.add("output throughput within 1% (" + Fmt.pct(tput.deltaPct()) + ")");
    } else if (tput != null) {
      parts.add("output throughput " + change(tput, null, "down", "up", "unchanged", false));
    }
    MetricResult good = c.metric("goodput_fraction");
    if (good != null && good.available()) {
      parts.add("requests within the SLO " + sloChange(good) + " (" + c.settings().slo().describe() + ")");
    }
    String sentence = String.join("; ", parts) + ".";
    return c.valid() ? sentence : "INVALID COMPARISON (" + c.reasons().size() + " reason"
        + (c.reasons().size() == 1 ? "" : "s") + " listed with it), read with care: " + sentence;
  }

  /** "unchanged at 90%", "90% and 92%, no significant difference", or "up from 90% to 95%". */
  private static String sloChange(MetricResult good) {
    String from = Fmt.num(good.baseline()) + "%";
    String to = Fmt.num(good.managed()) + "%";
    if (good.verdict() != Verdict.SAME) {
      return (good.delta() > 0 ? "up" : "down") + " from " + from + " to " + to;
    }
    return Math.abs(good.delta()) < 0.05 ? "unchanged at " + to : from + " and " + to + ", no significant difference";
  }

  /**
   * {@code down} is the verb for a negative delta, {@code up} for a positive one:
   * "cut p99 TTFT by 62% [95% CI 55-70%]", "raised ... by", "left p99 TTFT unchanged (+1.2%, 95% CI -3% to +5%)";
   * for throughput (no name): "up 5% [95% CI 2-8%]", "unchanged (+0.3%, ...)".
   */
  static String change(MetricResult r, String name, String down, String up, String same, boolean verbFirst) {
    if (r == null || !r.available()) {
      return (verbFirst ? "could not measure " + name : "not measured");
    }
    String subject = name == null ? "" : name + " ";
    if (r.verdict() == Verdict.SAME) {
      String detail = "(" + Fmt.pct(r.deltaPct()) + ", 95% CI " + range(r, true) + ")";
      return verbFirst ? same + " " + subject + "unchanged " + detail : same + " " + detail;
    }
    String verb = r.delta() < 0 ? down : up;
    String ci = r.ci95Pct() == null ? "" : " [95% CI " + range(r, false) + "]";
    String body = Fmt.magnitude(r.deltaPct()) + ci;
    return verbFirst ? verb + " " + subject + "by " + body : verb + " " + body;
  }

  /** The relative interval as magnitudes (55-70%) when it excludes 0, else signed (-3% to +5%). */
  private static String range(MetricResult r, boolean signed) {
    if (r.ci95Pct() == null) {
      return "n/a";
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
