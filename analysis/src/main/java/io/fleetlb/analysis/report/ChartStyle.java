package io.fleetlb.analysis.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;

/** One look for every chart: white, quiet grid, baseline in slate, managed in blue, a sans font. */
final class ChartStyle {
  static final Color BASELINE = new Color(0x94, 0xA3, 0xB8);
  static final Color MANAGED = new Color(0x25, 0x63, 0xEB);
  static final Color TARGET = new Color(0xDC, 0x26, 0x26);
  static final Color TEXT = new Color(0x1F, 0x29, 0x37);
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
