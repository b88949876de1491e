package io.fleetlb.analysis.report;

import io.fleetlb.analysis.stats.Interval;
import java.util.Locale;

/**
 * Number formatting shared by the reports: few significant digits, NaN as n/a, plain ASCII signs.
 */
public final class Fmt {
  private Fmt() {}

  /** A value with precision that suits its size: 1234, 123.4, 12.34, 1.234. */
  public static String num(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    double a = Math.abs(v);
    String f = a >= 1000 ? "%,.0f" : a >= 100 ? "%.1f" : a >= 1 ? "%.2f" : a == 0 ? "%.0f" : "%.3f";
    return String.format(Locale.ROOT, f, v);
  }

  /** A signed value: +12.3, -4.56. */
  public static String signed(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    return (v > 0 ? "+" : v < 0 ? "-" : "") + num(Math.abs(v));
  }

  /** A signed percentage: +12.3%; a value that rounds to zero has no sign. */
  public static String pct(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    if (Math.abs(v) < 0.05) {
      return "0.0%";
    }
    return (v > 0 ? "+" : v < 0 ? "-" : "")
        + String.format(Locale.ROOT, Math.abs(v) >= 10 ? "%.0f%%" : "%.1f%%", Math.abs(v));
  }

  /** An interval of signed values: [-3.1, +0.4]. */
  public static String interval(Interval ci) {
    return ci == null ? "n/a" : "[" + signed(ci.lo()) + ", " + signed(ci.hi()) + "]";
  }

  /** An interval of signed percentages. */
  public static String intervalPct(Interval ci) {
    return ci == null ? "n/a" : "[" + pct(ci.lo()) + ", " + pct(ci.hi()) + "]";
  }

  /** A magnitude in percent without sign, for sentences: 62%. */
  public static String magnitude(double pct) {
    double a = Math.abs(pct);
    return String.format(Locale.ROOT, a >= 10 ? "%.0f%%" : "%.1f%%", a);
  }

  /** A whole number without decimals (95), else as {@link #num}. */
  public static String compact(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : num(v);
  }

  /** An index in [0, 1] such as Jain's: three decimals. */
  public static String index(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.3f", v);
  }

  /** A value with its unit: 123 ms, 45.6 tok/s, 12.3%. */
  public static String withUnit(double v, String unit) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    return num(v) + ("%".equals(unit) ? "%" : " " + unit);
  }
}
