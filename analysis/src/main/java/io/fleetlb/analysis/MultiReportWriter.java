package io.fleetlb.analysis;

import io.fleetlb.analysis.compare.MultiComparison;
import io.fleetlb.analysis.report.ChartImage;
import io.fleetlb.analysis.report.Charts;
import io.fleetlb.analysis.report.Headline;
import io.fleetlb.analysis.report.MultiComparisonJson;
import io.fleetlb.analysis.report.MultiConsoleTable;
import io.fleetlb.analysis.report.MultiHtmlReport;
import io.fleetlb.analysis.report.MultiMarkdownReport;
import io.fleetlb.analysis.report.ReferenceRatios;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes every output of a comparison of three or more arms into one directory. */
final class MultiReportWriter {
  private final Path dir;

  MultiReportWriter(Path dir) {
    this.dir = dir;
  }

  void write(MultiComparison mc, ReferenceRatios ref, PrintWriter stdout) throws IOException {
    List<String> headlines = Headline.of(mc);
    List<ChartImage> charts = Charts.write(mc, dir.resolve("charts"));
    List<String> files = new ArrayList<>(List.of("comparison.json", "report.md", "report.html"));
    charts.forEach(ch -> files.add(ch.file()));
    MultiComparisonJson.write(mc, headlines, ref, files, dir.resolve("comparison.json"));
    Files.writeString(
        dir.resolve("report.md"),
        MultiMarkdownReport.render(mc, headlines, ref, charts),
        StandardCharsets.UTF_8);
    Files.writeString(
        dir.resolve("report.html"),
        MultiHtmlReport.render(mc, headlines, ref, charts),
        StandardCharsets.UTF_8);
    MultiConsoleTable.print(mc, headlines, ref, stdout);
    stdout.println(
        "wrote "
            + dir.resolve("report.html")
            + ", report.md, comparison.json and "
            + charts.size()
            + " charts in "
            + dir.resolve("charts"));
  }
}
