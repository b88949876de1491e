package io.fleetlb.analysis.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;

/**
 * One look for every chart: white, quiet grid, baseline in slate, managed in blue (further arms in
 * their own colours), a sans font.
 */
final class ChartStyle {
  static final Color BASELINE = new Color(0x94, 0xA3, 0xB8);
  static final Color MANAGED = new Color(0x25, 0x63, 0xEB);
  static final Color TARGET = new Color(0xDC, 0x26, 0x26);
  static final Color TEXT = new Color(0x1F, 0x29, 0x37);

  /** The arms after the first two of a multi-arm report: orange, green, purple, pink, teal. */
  static final Color[] MORE_ARMS = {
    new Color(0xEA, 0x58, 0x0C),
    new Color(0x05, 0x96, 0x69),
    new Color(0x7C, 0x3A, 0xED),
    new Color(0xDB, 0x27, 0x77),
    new Color(0x08, 0x91, 0xB2)
  };

  static final int WIDTH = 640;
  static final int HEIGHT = 340;

  private ChartStyle() {}

  static XYChart xy(String title, String xTitle, String yTitle) {
    XYChart c = new XYChart(WIDTH, HEIGHT);
    c.setTitle(title);
    c.setXAxisTitle(xTitle);
    c.setYAxisTitle(yTitle);
    common(c.getStyler());
    c.getStyler().setSeriesColors(new Color[] {BASELINE, MANAGED, TARGET});
    c.getStyler().setMarkerSize(6);
    return c;
  }

  static CategoryChart category(String title, String xTitle, String yTitle) {
    CategoryChart c = new CategoryChart(WIDTH, HEIGHT);
    c.setTitle(title);
    c.setXAxisTitle(xTitle);
    c.setYAxisTitle(yTitle);
    common(c.getStyler());
    c.getStyler().setSeriesColors(new Color[] {BASELINE, MANAGED});
    c.getStyler().setAvailableSpaceFill(0.7);
    c.getStyler().setOverlapped(false);
    return c;
  }

  /**
   * Colours for a chart of n arms (baseline first): two arms keep the baseline and managed colours;
   * more take {@link #MORE_ARMS} in turn.
   */
  static void arms(Chart<?, ?> chart, int n) {
    if (n <= 2) {
      return;
    }
    Color[] colors = new Color[n];
    colors[0] = BASELINE;
    colors[1] = MANAGED;
    for (int k = 2; k < n; k++) {
      colors[k] = MORE_ARMS[(k - 2) % MORE_ARMS.length];
    }
    chart.getStyler().setSeriesColors(colors);
  }

  private static void common(AxesChartStyler s) {
    Font base = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    s.setChartBackgroundColor(Color.WHITE);
    s.setPlotBackgroundColor(Color.WHITE);
    s.setPlotBorderVisible(false);
    s.setPlotGridLinesColor(new Color(0xE5, 0xE7, 0xEB));
    s.setPlotGridLinesStroke(new BasicStroke(1f));
    s.setAxisTickMarksColor(new Color(0x9C, 0xA3, 0xAF));
    s.setAxisTickLabelsColor(new Color(0x4B, 0x55, 0x63));
    s.setChartFontColor(TEXT);
    s.setChartTitleFont(base.deriveFont(Font.BOLD, 15f));
    s.setChartTitleBoxVisible(false);
    s.setAxisTitleFont(base.deriveFont(13f));
    s.setAxisTickLabelsFont(base.deriveFont(12f));
    s.setLegendFont(base.deriveFont(13f));
    s.setLegendBorderColor(Color.WHITE);
    // below the plot: inside it, the legend's white box would hide data wherever the data happens
    // to be
    s.setLegendPosition(Styler.LegendPosition.OutsideS);
    s.setLegendLayout(Styler.LegendLayout.Horizontal);
    s.setChartPadding(12);
    s.setAntiAlias(true);
  }
}
