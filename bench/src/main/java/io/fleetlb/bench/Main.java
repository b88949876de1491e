package io.fleetlb.bench;

import io.fleetlb.bench.cli.BenchFailure;
import io.fleetlb.bench.cli.CalibrateCommand;
import io.fleetlb.bench.cli.MockServerCommand;
import io.fleetlb.bench.cli.ReportCommand;
import io.fleetlb.bench.cli.RunCommand;
import io.fleetlb.bench.cli.VerifyCommand;
import io.fleetlb.bench.cli.WorkloadFlagHint;
import io.fleetlb.bench.cli.WorkloadCommand;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar bench.jar <command>}: workload, run, calibrate, mock-server, verify, report.
 * Exit codes: 0 success (and, for run, a valid result), 1 the run failed or its result is
 * invalid, 2 a usage error. Errors are one line; {@code --verbose} adds the stack trace.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Frozen workloads, open-loop replay with vLLM-exact metrics, GPU telemetry, "
        + "self-calibration.",
    subcommands = {WorkloadCommand.class, RunCommand.class, CalibrateCommand.class,
        MockServerCommand.class,
        VerifyCommand.class, ReportCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT, description = "Print stack "
      + "traces of errors.")
  boolean verbose;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required "
        + "(workload, run, calibrate, "
        + "mock-server, verify, report)");
  }

  public static void main(String[] args) {
    System.exit(execute(args, new PrintWriter(System.err, true)));
  }

  /** Runs the command line and returns the exit code (tests call this). */
  public static int execute(String[] args, PrintWriter err) {
    CommandLine cl = new CommandLine(new Main());
    cl.setErr(err);
    boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
    cl.setParameterExceptionHandler((ex, a) -> {
      err.println("bench: error: " + ex.getMessage());
      String hint = WorkloadFlagHint.forRun(ex);
      if (hint != null) {
        err.println(hint);
      } else if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, err)) {
        String name = commandName(ex.getCommandLine());
        err.println("Try 'java -jar bench.jar " + (name.isEmpty() ? "" : name + " ") + "--help'.");
      }
      return 2;
    });
    cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      Throwable root = ex;
      if (root instanceof java.util.concurrent.ExecutionException && root.getCause() != null) {
        root = root.getCause();
      }
      boolean usage = root instanceof IllegalArgumentException
          || root instanceof CommandLine.TypeConversionException;
      int code = usage ? 2 : 1;
      String msg = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
      err.println("bench: " + (code == 2 ? "error: " : "") + msg);
      if (verbose || !(usage || root instanceof BenchFailure || root instanceof java.io.IOException)) {
        root.printStackTrace(err);
      }
      return code;
    });
    int code = cl.execute(args);
    err.flush();
    return code;
  }

  private static String commandName(CommandLine c) {
    return c == null || c.getParent() == null ? "" : c.getCommandName();
  }

  /** Reports the bench's version. */
  public static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {BenchVersion.NAME + " " + BenchVersion.VERSION};
    }
  }
}
