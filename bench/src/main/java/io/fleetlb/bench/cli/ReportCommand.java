package io.fleetlb.bench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetlb.bench.report.ConsoleReport;
import io.fleetlb.results.ResultJson;
import io.fleetlb.results.RunResult;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code bench.jar report RESULT.json}: prints a saved result as the run printed it. */
@Command(mixinStandardHelpOptions = true, versionProvider = io.fleetlb.bench.Main.Version.class,
    name = "report",
    description = "Print a saved result in the console layout; exit 1 if the result is invalid.")
public final class ReportCommand implements Callable<Integer> {
  @Parameters(paramLabel = "RESULT", description = "A result JSON written by 'bench.jar run'.")
  Path file;

  @Override
  public Integer call() {
    RunResult r;
    try {
      JsonNode tree = new ObjectMapper().readTree(file.toFile());
      if (!ResultJson.isResult(tree)) {
        throw new BenchFailure(file + ": not a bench result (no bench.result_format_version)");
      }
      r = ResultJson.fromTree(tree);
    } catch (java.io.IOException e) {
      throw new BenchFailure(file + ": cannot read a result "
          + "(" + e.getMessage().lines().findFirst().orElse("") + ")");
    }
    System.out.print(ConsoleReport.render(r));
    return r.valid() ? 0 : 1;
  }
}
