package io.fleetlb.analysis.report;

import io.fleetlb.analysis.compare.MetricResult;
import java.util.Base64;

/** Small HTML building blocks: escaping, verdict chips, embedded images. */
final class Html {
  private Html() {}

  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length());
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        default -> b.append(ch);
      }
    }
    return b.toString();
  }

  static String chip(MetricResult r) {
    String w = r.verdict().word();
    return "<span class=\"chip " + w + "\">" + w + "</span>";
  }

  static String figure(ChartImage ch) {
    return "<figure><img alt=\""
        + esc(ch.title())
        + "\" src=\"data:image/png;base64,"
        + Base64.getEncoder().encodeToString(ch.png())
        + "\"><figcaption>"
        + esc(ch.caption())
        + "</figcaption></figure>";
  }
}
