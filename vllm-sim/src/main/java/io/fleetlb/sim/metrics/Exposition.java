package io.fleetlb.sim.metrics;

import io.fleetlb.sim.engine.Histogram;

/**
 * A small writer for the Prometheus text format as {@code prometheus_client} lays it out: label
 * pairs are passed already sorted by name, values go through {@link PyFloat}.
 */
final class Exposition {

  private final StringBuilder out = new StringBuilder(32 * 1024);

  Exposition family(String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(escapeHelp(help)).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    return this;
  }

  /** A sample; {@code labels} is {@code name, value, name, value, ...} sorted by name. */
  Exposition sample(String name, double value, String... labels) {
    return sample(name, PyFloat.format(value), labels);
  }

  /** A sample whose value is already formatted (dcgm-exporter formats its own numbers). */
  Exposition sample(String name, String value, String... labels) {
    out.append(name);
    if (labels.length > 0) {
      out.append('{');
      for (int i = 0; i < labels.length; i += 2) {
        if (i > 0) {
          out.append(',');
        }
        out.append(labels[i]).append("=\"").append(escapeLabel(labels[i + 1])).append('"');
      }
      out.append('}');
    }
    out.append(' ').append(value).append('\n');
    return this;
  }

  /**
   * Histogram samples; {@code before} and {@code after} are the sorted label pairs that go before
   * and after {@code le} (prometheus_client sorts label names, so {@code engine} comes before
   * {@code le} and {@code model_name} after).
   *
   * @param sumFirst write {@code _sum} before the buckets, as V0's multiprocess collector does
   */
  Exposition histogram(
      String name, Histogram.Snapshot h, String[] before, String[] after, boolean sumFirst) {
    String[] plain = concat(before, after);
    if (sumFirst) {
      sample(name + "_sum", h.sum(), plain);
    }
    double[] bounds = h.bounds();
    for (int i = 0; i <= bounds.length; i++) {
      String le = i < bounds.length ? PyFloat.format(bounds[i]) : "+Inf";
      sample(
          name + "_bucket",
          h.cumulative()[i],
          concat(concat(before, new String[] {"le", le}), after));
    }
    sample(name + "_count", h.count(), plain);
    if (!sumFirst) {
      sample(name + "_sum", h.sum(), plain);
    }
    return this;
  }

  static String[] concat(String[] a, String[] b) {
    String[] out = new String[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static String escapeLabel(String v) {
    if (v.indexOf('\\') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0) {
      return v;
    }
    return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static String escapeHelp(String v) {
    return v.replace("\\", "\\\\").replace("\n", "\\n");
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
