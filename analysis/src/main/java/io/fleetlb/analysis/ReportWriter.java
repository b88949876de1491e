package io.fleetlb.analysis;

import io.fleetlb.analysis.compare.Comparison;
import io.fleetlb.analysis.report.ComparisonJson;
import io.fleetlb.analysis.report.ConsoleTable;
import io.fleetlb.analysis.report.Headline;
import java.io.IOException;
import java.io.PrintWriter;
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
    List<String> files = new ArrayList<>(List.of("comparison.json"));
    ComparisonJson.write(c, headline, files, dir.resolve("comparison.json"));
    ConsoleTable.print(c, headline, stdout);
    stdout.println("wrote " + dir.resolve("comparison.json"));
  }
}
