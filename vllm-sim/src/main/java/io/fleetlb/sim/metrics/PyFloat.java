package io.fleetlb.sim.metrics;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * Formats doubles exactly as Python's {@code prometheus_client} does ({@code floatToGoString}):
 * Python's shortest round-trip {@code repr}, switched to a Go-style exponent for values of a
 * million and above ({@code 1.74262400557e+09}, and the three-digit {@code 1.1701968896e+010} of
 * large values).
 */
public final class PyFloat {

  private PyFloat() {}

  /** The text {@code prometheus_client} writes for this value. */
  public static String format(double d) {
    if (d == Double.POSITIVE_INFINITY) {
      return "+Inf";
    }
    if (d == Double.NEGATIVE_INFINITY) {
      return "-Inf";
    }
    if (Double.isNaN(d)) {
      return "NaN";
    }
    String s = repr(d);
    int dot = s.indexOf('.');
    if (d > 0 && dot > 6) {
      String mantissa =
          stripZerosAndDots(s.charAt(0) + "." + s.substring(1, dot) + s.substring(dot + 1));
      return mantissa + "e+0" + (dot - 1);
    }
    return s;
  }

  /**
   * Python's {@code repr(float)}: shortest digits that round-trip, fixed notation for 1e-4 &lt;=
   * |d| &lt; 1e16.
   */
  public static String repr(double d) {
    if (d == 0) {
      return (1 / d < 0) ? "-0.0" : "0.0";
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e16) {
      return (long) d + ".0";
    }
    BigDecimal shortest = shortest(d);
    String digits = shortest.unscaledValue().abs().toString();
    // Strip trailing zeros of the digit string, adjusting the exponent.
    int exponent = digits.length() - 1 - shortest.scale(); // decimal exponent of the first digit
    digits = stripTrailingZeros(digits);
    String sign = d < 0 ? "-" : "";
    if (exponent >= -4 && exponent < 16) {
      return sign + fixed(digits, exponent);
    }
    String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    String exp =
        Math.abs(exponent) < 10 ? "0" + Math.abs(exponent) : Integer.toString(Math.abs(exponent));
    return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + exp;
  }

  private static BigDecimal shortest(double d) {
    BigDecimal exact = new BigDecimal(d);
    for (int precision = 1; precision < 17; precision++) {
      BigDecimal candidate = exact.round(new MathContext(precision));
      if (candidate.doubleValue() == d) {
        return candidate;
      }
    }
    return exact.round(new MathContext(17));
  }

  private static String fixed(String digits, int exponent) {
    if (exponent < 0) {
      return "0." + "0".repeat(-exponent - 1) + digits;
    }
    if (digits.length() <= exponent + 1) {
      return digits + "0".repeat(exponent + 1 - digits.length()) + ".0";
    }
    return digits.substring(0, exponent + 1) + "." + digits.substring(exponent + 1);
  }

  private static String stripTrailingZeros(String digits) {
    int end = digits.length();
    while (end > 1 && digits.charAt(end - 1) == '0') {
      end--;
    }
    return digits.substring(0, end);
  }

  private static String stripZerosAndDots(String s) {
    int end = s.length();
    while (end > 0 && (s.charAt(end - 1) == '0' || s.charAt(end - 1) == '.')) {
      end--;
    }
    return s.substring(0, end);
  }
}
