package io.fleetlb.analysis.report;

import io.fleetlb.analysis.compare.ArmProfile;
import io.fleetlb.analysis.compare.ArmSeries;
import io.fleetlb.analysis.compare.Comparison;
import io.fleetlb.analysis.compare.MetricResult;
import io.fleetlb.analysis.compare.MultiComparison;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws the report's charts with XChart and writes them as PNG files (twice the pixel density, so
 * they stay sharp in the HTML): latency CDFs, percentile bars, throughput, replica shares, GPU
 * utilisation and queues over time; the sweep's curves are in {@link SweepCharts}.
 */
public final class Charts {
  private static final int CDF_POINTS = 400;

  private Charts() {}

  public static List<ChartImage> write(Comparison c, Path dir) throws IOException {
    List<ArmProfile> arms = List.of(c.baseline(), c.managed());
    List<ChartImage> out =
        write(
            arms,
            key -> {
              MetricResult r = c.metric(key);
              return r == null || !r.available() ? null : new double[] {r.baseline(), r.managed()};
            },
            dir);
    if (c.sweep() != null) {
      out.addAll(SweepCharts.write(c.sweep(), c.baseline().label(), c.managed().label(), dir));
    }
    return out;
  }

  /** The charts of a comparison of several arms with a baseline: every arm on every chart. */
  public static List<ChartImage> write(MultiComparison mc, Path dir) throws IOException {
    return write(mc.arms(), mc::values, dir);
  }

  /**
   * @param arms the baseline first
   * @param figures each arm's figure for a metric key, or null when not every arm has it
   */
  private static List<ChartImage> write(
      List<ArmProfile> arms, Function<String, double[]> figures, Path dir) throws IOException {
    Files.createDirectories(dir);
    List<ChartImage> out = new ArrayList<>();
    out.add(
        save(
            dir,
            "ttft_cdf",
            "Time to first token: distribution",
            "Share of requests (y) served within a TTFT (x, log scale); further left is faster, the"
                + " top of the curve is the tail.",
            cdf("Time to first token", arms, ArmProfile::ttftSortedMs)));
    out.add(
        save(
            dir,
            "e2el_cdf",
            "End-to-end latency: distribution",
            "Share of requests (y) completed within an end-to-end latency (x, log scale).",
            cdf("End-to-end latency", arms, ArmProfile::e2elSortedMs)));
    for (String[] s :
        new String[][] {
          {"ttft", "TTFT"}, {"tpot", "TPOT"}, {"itl", "ITL"}, {"e2el", "E2E latency"}
        }) {
      CategoryChart bars = percentileBars(arms, figures, s[0], s[1]);
      if (bars != null) {
        out.add(
            save(
                dir,
                "percentiles_" + s[0],
                s[1] + " percentiles",
                "p50, p90 and p99 " + s[1] + " of all repetitions pooled, per arm.",
                bars));
      }
    }
    out.add(
        save(
            dir,
            "throughput_over_time",
            "Output tokens per second over the run",
            "Output tokens completed in each second of the run clock, mean over repetitions.",
            series("Output throughput over time", "tokens/s", arms, ArmSeries::outputTokensPerS)));
    out.add(
        save(
            dir,
            "ttft_p99_over_time",
            "p99 TTFT per second",
            "p99 time to first token of the requests completing in each second (bench's per-second"
                + " series), mean over repetitions.",
            series("p99 TTFT over time", "ms", arms, ArmSeries::ttftP99Ms)));
    out.add(
        save(
            dir,
            "replica_share",
            "Share of requests per replica",
            "Each replica's share of the arm's requests, mean over repetitions.",
            replicaShares(arms)));
    if (arms.stream().anyMatch(ArmProfile::hasGpuTelemetry)) {
      out.add(
          save(
              dir,
              "gpu_util_over_time",
              "GPU utilisation over time",
              "Mean utilisation over the fleet's GPUs in each second (DCGM_FI_DEV_GPU_UTIL or"
                  + " nvidia-smi), mean over repetitions.",
              series("Fleet GPU utilisation", "%", arms, ArmSeries::gpuUtilPct)));
    }
    if (arms.stream().anyMatch(a -> hasData(a.series().waiting()))) {
      out.add(
          save(
              dir,
              "queue_over_time",
              "Requests waiting in vLLM over time",
              "Requests waiting in the replicas' queues (vLLM num_requests_waiting), summed over"
                  + " the fleet, each second.",
              series("Requests queued in the fleet", "requests", arms, ArmSeries::waiting)));
    }
    return out;
  }

  static ChartImage save(Path dir, String name, String title, String caption, Chart<?, ?> chart)
      throws IOException {
    Path file = dir.resolve(name + ".png");
    BitmapEncoder.saveBitmapWithDPI(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG, 144);
    return new ChartImage("charts/" + name + ".png", title, caption, Files.readAllBytes(file));
  }

  private static XYChart cdf(
      String title, List<ArmProfile> arms, Function<ArmProfile, double[]> values) {
    XYChart c = ChartStyle.xy(title, "milliseconds (log scale)", "requests served within (%)");
    ChartStyle.arms(c, arms.size());
    c.getStyler().setXAxisLogarithmic(true);
    c.getStyler().setYAxisMin(0.0);
    c.getStyler().setYAxisMax(100.0);
    c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
    for (ArmProfile a : arms) {
      double[] v = values.apply(a);
      if (v.length == 0) {
        continue;
      }
      double[][] xy = cdfPoints(v);
      XYSeries s = c.addSeries(a.label(), xy[0], xy[1]);
      s.setMarker(SeriesMarkers.NONE);
      s.setLineWidth(a == arms.get(0) ? 1.6f : 2.4f);
    }
    return c;
  }

  /**
   * Up to CDF_POINTS points of the empirical CDF, denser in the tail, with values floored above 0
   * for the log axis.
   */
  static double[][] cdfPoints(double[] sorted) {
    int n = sorted.length;
    int k = Math.min(n, CDF_POINTS);
    double[] x = new double[k];
    double[] y = new double[k];
    for (int j = 0; j < k; j++) {
      // quantiles spaced evenly in -log(1 - q) so that p99 and p99.9 get points of their own
      double q = k == 1 ? 1 : 1 - Math.pow(1.0 / n, (double) j / (k - 1));
      int idx = Math.min(n - 1, (int) Math.ceil(q * n) - 1 < 0 ? 0 : (int) Math.ceil(q * n) - 1);
      if (j == k - 1) {
        idx = n - 1;
      }
      x[j] = Math.max(sorted[idx], 1e-3);
      y[j] = 100.0 * (idx + 1) / n;
    }
    return new double[][] {x, y};
  }

  private static CategoryChart percentileBars(
      List<ArmProfile> arms, Function<String, double[]> figures, String name, String label) {
    List<String> cats = new ArrayList<>();
    List<List<Double>> values = new ArrayList<>();
    arms.forEach(a -> values.add(new ArrayList<>()));
    for (String p : List.of("p50", "p90", "p99")) {
      double[] v = figures.apply(p + "_" + name + "_ms");
      if (v == null) {
        return null;
      }
      cats.add(p);
      for (int k = 0; k < arms.size(); k++) {
        values.get(k).add(v[k]);
      }
    }
    CategoryChart chart = ChartStyle.category(label + " percentiles", "", "ms");
    ChartStyle.arms(chart, arms.size());
    for (int k = 0; k < arms.size(); k++) {
      chart.addSeries(arms.get(k).label(), cats, values.get(k));
    }
    return chart;
  }

  private static XYChart series(
      String title, String yTitle, List<ArmProfile> arms, Function<ArmSeries, double[]> y) {
    XYChart c = ChartStyle.xy(title, "seconds into the run", yTitle);
    ChartStyle.arms(c, arms.size());
    c.getStyler().setYAxisMin(0.0);
    // an explicit top: with an automatic one XChart leaves out line segments that touch the plot's
    // edge
    double top = arms.stream().mapToDouble(a -> max(y.apply(a.series()))).max().orElse(0);
    c.getStyler().setYAxisMax(top > 0 ? top * 1.08 : 1.0);
    for (ArmProfile a : arms) {
      addLine(c, a.label(), a.series().tS(), y.apply(a.series()), a == arms.get(0) ? 1.5f : 2.4f);
    }
    return c;
  }

  static XYChart series(
      String title,
      String yTitle,
      String lb,
      String lm,
      double[] tb,
      double[] yb,
      double[] tm,
      double[] ym) {
    XYChart c = ChartStyle.xy(title, "seconds into the run", yTitle);
    c.getStyler().setYAxisMin(0.0);
    // an explicit top: with an automatic one XChart leaves out line segments that touch the plot's
    // edge
    double top = Math.max(max(yb), max(ym));
    c.getStyler().setYAxisMax(top > 0 ? top * 1.08 : 1.0);
    addLine(c, lb, tb, yb, 1.5f);
    addLine(c, lm, tm, ym, 2.4f);
    return c;
  }

  /** The managed line is the wider one, so that where the arms coincide both stay visible. */
  private static void addLine(XYChart c, String name, double[] t, double[] y, float width) {
    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    for (int k = 0; k < Math.min(t.length, y.length); k++) {
      if (!Double.isNaN(y[k])) {
        xs.add(t[k]);
        ys.add(y[k]);
      }
    }
    if (xs.isEmpty()) {
      xs.add(0.0);
      ys.add(0.0);
    }
    XYSeries s = c.addSeries(name, xs, ys);
    s.setMarker(SeriesMarkers.NONE);
    s.setLineWidth(width);
  }

  private static CategoryChart replicaShares(List<ArmProfile> arms) {
    List<String> ids = new ArrayList<>();
    for (ArmProfile a : arms) {
      a.replicas().stream()
          .map(ArmProfile.ReplicaShare::id)
          .filter(id -> !ids.contains(id))
          .forEach(ids::add);
    }
    CategoryChart c = ChartStyle.category("Share of requests per replica", "", "% of requests");
    ChartStyle.arms(c, arms.size());
    c.getStyler().setXAxisLabelRotation(ids.size() > 6 ? 45 : 0);
    for (ArmProfile a : arms) {
      c.addSeries(a.label(), ids, shares(a, ids));
    }
    return c;
  }

  private static List<Double> shares(ArmProfile a, List<String> ids) {
    List<Double> out = new ArrayList<>();
    for (String id : ids) {
      out.add(
          a.replicas().stream()
              .filter(r -> r.id().equals(id))
              .mapToDouble(ArmProfile.ReplicaShare::sharePct)
              .findFirst()
              .orElse(0));
    }
    return out;
  }

  private static double max(double[] v) {
    return Arrays.stream(v).filter(x -> !Double.isNaN(x)).max().orElse(0);
  }

  private static boolean hasData(double[] v) {
    return Arrays.stream(v).anyMatch(x -> !Double.isNaN(x) && x > 0);
  }
}
