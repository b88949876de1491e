package io.fleetlb.analysis.report;

import io.fleetlb.analysis.sweep.SweepPoint;
import io.fleetlb.analysis.sweep.SweepResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The sweep's charts: p99 TTFT and goodput against offered rate, throughput per GPU against
 * tokens/s per user.
 */
final class SweepCharts {
  private SweepCharts() {}

  static List<ChartImage> write(SweepResult s, String lb, String lm, Path dir) throws IOException {
    List<ChartImage> out = new ArrayList<>();
    XYChart ttft =
        ChartStyle.xy("p99 TTFT vs offered rate", "offered rate (req/s)", "p99 TTFT (ms)");
    ttft.getStyler().setYAxisMin(0.0);
    line(ttft, lb, s.baseline(), SweepPoint::rate, SweepPoint::p99TtftMs);
    line(ttft, lm, s.managed(), SweepPoint::rate, SweepPoint::p99TtftMs);
    out.add(
        Charts.save(
            dir,
            "sweep_p99_ttft",
            "p99 TTFT vs offered rate",
            "Tail time to first token at each swept rate; the knee is where queues start to grow.",
            ttft));
    XYChart good =
        ChartStyle.xy("Goodput vs offered rate", "offered rate (req/s)", "requests within SLO (%)");
    good.getStyler().setYAxisMin(0.0);
    good.getStyler().setYAxisMax(100.0);
    line(good, lb, s.baseline(), SweepPoint::rate, SweepPoint::goodputPct);
    line(good, lm, s.managed(), SweepPoint::rate, SweepPoint::goodputPct);
    List<Double> rates = s.rates();
    XYSeries target =
        good.addSeries(
            "target " + Fmt.compact(s.goodputTargetPct()) + "%",
            List.of(rates.get(0), rates.get(rates.size() - 1)),
            List.of(s.goodputTargetPct(), s.goodputTargetPct()));
    target.setMarker(SeriesMarkers.NONE);
    target.setLineStyle(
        new java.awt.BasicStroke(
            1.5f,
            java.awt.BasicStroke.CAP_BUTT,
            java.awt.BasicStroke.JOIN_MITER,
            10f,
            new float[] {6f, 4f},
            0f));
    out.add(
        Charts.save(
            dir,
            "sweep_goodput",
            "Goodput vs offered rate",
            "Share of requests meeting the SLO at each rate; an arm's capacity is the highest rate"
                + " at or above the dashed target.",
            good));
    XYChart pareto =
        ChartStyle.xy(
            "Throughput per GPU vs interactivity",
            "tokens/s per user (1000 / median TPOT)",
            "output tokens/s per GPU");
    line(pareto, lb, s.baseline(), SweepPoint::tokensPerSPerUser, SweepPoint::outputPerGpu);
    line(pareto, lm, s.managed(), SweepPoint::tokensPerSPerUser, SweepPoint::outputPerGpu);
    out.add(
        Charts.save(
            dir,
            "sweep_throughput_per_gpu",
            "Throughput per GPU vs tokens/s per user",
            "InferenceX-style trade-off: each point is one swept rate; up and to the right is"
                + " better.",
            pareto));
    return out;
  }

  private static void line(
      XYChart c,
      String name,
      List<SweepPoint> pts,
      ToDoubleFunction<SweepPoint> x,
      ToDoubleFunction<SweepPoint> y) {
    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    for (SweepPoint p : pts) {
      double vx = x.applyAsDouble(p);
      double vy = y.applyAsDouble(p);
      if (!Double.isNaN(vx)
          && !Double.isNaN(vy)
          && (vy > 0 || !c.getStyler().isYAxisLogarithmic())) {
        xs.add(vx);
        ys.add(vy);
      }
    }
    if (xs.isEmpty()) {
      xs.add(0.0);
      ys.add(1.0);
    }
    XYSeries s = c.addSeries(name, xs, ys);
    s.setMarker(SeriesMarkers.CIRCLE);
    s.setLineWidth(2f);
  }
}
