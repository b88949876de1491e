package io.fleetlb.analysis;

import io.fleetlb.analysis.compare.Comparison;
import io.fleetlb.analysis.report.ChartImage;
import io.fleetlb.analysis.report.Charts;
import io.fleetlb.analysis.report.ComparisonJson;
import io.fleetlb.analysis.report.ConsoleTable;
import io.fleetlb.analysis.report.Headline;
import io.fleetlb.analysis.report.HtmlReport;
import io.fleetlb.analysis.report.MarkdownReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes every output of a comparison into one directory and prints the table. */
final class ReportWriter {
  private final Path dir;

  ReportWriter(Path dir) {
    this.dir = dir;
  }

  void write(Comparison c, PrintWriter stdout) throws IOException {
    String headline = Headline.of(c);
    List<ChartImage> charts = Charts.write(c, dir.resolve("charts"));
    List<String> files = new ArrayList<>(List.of("comparison.json", "report.md", "report.html"));
    charts.forEach(ch -> files.add(ch.file()));
    ComparisonJson.write(c, headline, files, dir.resolve("comparison.json"));
    Files.writeString(
        dir.resolve("report.md"),
        MarkdownReport.render(c, headline, charts),
        StandardCharsets.UTF_8);
    Files.writeString(
        dir.resolve("report.html"), HtmlReport.render(c, headline, charts), StandardCharsets.UTF_8);
    ConsoleTable.print(c, headline, stdout);
    stdout.println(
        "wrote "
            + dir.resolve("report.html")
            + ", report.md, comparison.json and "
            + charts.size()
            + " charts in "
            + dir.resolve("charts"));
  }
}
