package io.fleetlb.bench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetlb.bench.report.ConsoleReport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code bench.jar report RESULT.json}: prints a saved result as the run printed it. */
@Command(mixinStandardHelpOptions = true, versionProvider = io.fleetlb.bench.Main.Version.class, name = "report", description = "Print a saved result in the console layout; exit 1 if the result is invalid.")
public final class ReportCommand implements Callable<Integer> {
  @Parameters(paramLabel = "RESULT") Path file;

  @Override
  public Integer call() {
    JsonNode r;
    try {
      r = new ObjectMapper().readTree(file.toFile());
    } catch (java.io.IOException e) {
      throw new BenchFailure(file + ": cannot read a result (" + e.getMessage().lines().findFirst().orElse("") + ")");
    }
    if (r == null || !r.has("completed") || !r.has("duration")) {
      throw new BenchFailure(file + ": not a bench result (no 'completed'/'duration' keys)");
    }
    System.out.print(ConsoleReport.render(r));
    return r.path("valid").asBoolean(true) ? 0 : 1;
  }
}
