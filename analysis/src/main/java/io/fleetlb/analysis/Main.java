package io.fleetlb.analysis;

import io.fleetlb.analysis.compare.AbAnalysis;
import io.fleetlb.analysis.compare.Comparison;
import io.fleetlb.analysis.compare.MultiAnalysis;
import io.fleetlb.analysis.compare.MultiComparison;
import io.fleetlb.analysis.input.InputException;
import io.fleetlb.analysis.input.Run;
import io.fleetlb.analysis.input.RunDiscovery;
import io.fleetlb.analysis.input.RunReader;
import io.fleetlb.analysis.report.ReferenceRatios;
import io.fleetlb.analysis.sweep.SweepAnalysis;
import io.fleetlb.analysis.sweep.SweepResult;
import io.fleetlb.results.Slo;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code analysis/compare.sh BASELINE ARM [ARM...] [--out DIR] ...}: compares one arm (an A/B) or
 * several arms of bench runs with a baseline and writes comparison.json, report.md, report.html and
 * charts/. Exit status: 0 valid comparison, 3 written but invalid, 2 usage error (including runs of
 * different workloads), 1 any other failure.
 */
@Command(
    name = "compare.sh",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    sortOptions = false,
    description = {
      "Compares a managed arm, or several arms, with a baseline (bench runs of the same frozen "
          + "workload, or runs "
          + "imported from vllm bench serve, GenAI-Perf or AIPerf): paired per-request deltas, "
          + "bootstrap 95%% "
          + "confidence intervals, a verdict per metric; writes comparison.json, report.md, "
          + "report.html and "
          + "charts/*.png and prints the table.",
      "Exit status: 0 valid comparison, 3 written but invalid, 2 usage error or different "
          + "workloads, 1 other failure."
    })
public final class Main implements Callable<Integer> {
  @Parameters(
      arity = "2..*",
      paramLabel = "ARM",
      description = {
        "BASELINE, then one or more arms compared with it (BASELINE MANAGED for an A/B). Each "
            + "is a run, or a directory searched recursively for runs (repetitions): a bench "
            + "result JSON, a vllm bench serve --save-result --save-detailed JSON, a GenAI-Perf "
            + "profile_export.json (FILE#N picks experiment N) or an AIPerf "
            + "profile_export_aiperf.json / profile_export.jsonl.",
        "With three or more arms every arm is compared with BASELINE in one report."
      })
  List<Path> arms = new ArrayList<>();

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description =
          "Where the reports go (created). " + "Default: the directory holding every arm.")
  Path out;

  @Option(
      names = "--sweep",
      paramLabel = "DIR",
      description =
          "A sweep (DIR/rate-R/{baseline,managed}/...): capacity under the SLO per arm; two arms"
              + " only.")
  Path sweep;

  @Option(
      names = "--goodput",
      arity = "1..*",
      paramLabel = "KEY:MS",
      description =
          "Goodput SLOs in ms, vLLM's syntax: --goodput ttft:2000 tpot:100 (keys ttft, "
              + "tpot, e2el). "
              + "Default: the SLO the runs recorded (bench run --goodput), else ttft:1000 tpot:50.")
  List<String> goodput = new ArrayList<>();

  @Option(
      names = "--slo",
      paramLabel = "ttft:MS,tpot:MS",
      hidden = true,
      description = "Deprecated spelling of --goodput (comma-separated).")
  String slo;

  @Option(
      names = "--headline",
      paramLabel = "METRIC",
      defaultValue = Comparison.DEFAULT_HEADLINE,
      description =
          "The metric the one-line verdict leads with, a key of comparison.json's "
              + "metrics, e.g. "
              + "p50_ttft_ms, p99_e2el_ms, mean_tpot_ms (default ${DEFAULT-VALUE}).")
  String headline;

  @Option(
      names = "--goodput-target",
      paramLabel = "FRACTION",
      defaultValue = "0.9",
      description =
          "Share of requests that must meet the SLO for a sweep rate to count as "
              + "served (default ${DEFAULT-VALUE}).")
  double goodputTarget;

  @Option(
      names = "--max-failure-rate",
      paramLabel = "FRACTION",
      defaultValue = "0",
      description =
          "Failed requests an arm may have before the comparison is invalid (default "
              + "${DEFAULT-VALUE}: any failure).")
  double maxFailureRate;

  @Option(
      names = "--min-effect",
      paramLabel = "PCT",
      defaultValue = "2",
      description =
          "Practical margin: a significant change smaller than PCT percent of the "
              + "baseline is 'same' "
              + "(default ${DEFAULT-VALUE}; 0: every significant change gets better/worse).")
  double minEffectPct;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "1",
      description = "Bootstrap seed " + "(default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--bootstrap",
      paramLabel = "N",
      defaultValue = "2000",
      description = "Bootstrap resamples (default ${DEFAULT-VALUE}).")
  int bootstrap;

  @Option(
      names = "--reference",
      paramLabel = "LABEL",
      description =
          "With three or more arms: also give every arm's TTFT, E2E latency and steady output "
              + "rate as a ratio of this arm's (its label), e.g. --reference oracle.")
  String reference;

  @Option(
      names = "--baseline-label",
      paramLabel = "NAME",
      description = "Name the baseline in " + "the reports (default: the runs' label).")
  String baselineLabel;

  @Option(
      names = "--managed-label",
      paramLabel = "NAME",
      description = "Name the managed arm in " + "the reports (default: the runs' label).")
  String managedLabel;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (!(goodputTarget > 0 && goodputTarget <= 1)) {
      throw usage("--goodput-target " + goodputTarget + ": give a fraction in (0, 1], e.g. 0.9");
    }
    if (!(minEffectPct >= 0 && minEffectPct < 100)) {
      throw usage("--min-effect " + minEffectPct + ": give a percentage in [0, 100), e.g. 2");
    }
    if (!(maxFailureRate >= 0 && maxFailureRate < 1)) {
      throw usage(
          "--max-failure-rate " + maxFailureRate + ": give a fraction in [0, 1), e.g. " + "0.01");
    }
    if (bootstrap < 100) {
      throw usage(
          "--bootstrap " + bootstrap + ": use at least 100 resamples (2000 is the " + "default)");
    }
    if (baselineLabel != null && baselineLabel.equals(managedLabel)) {
      throw usage(
          "--baseline-label and --managed-label are both '"
              + baselineLabel
              + "': the "
              + "arms need different names");
    }
    if (arms.size() == 2 && reference != null) {
      throw usage("--reference compares three or more arms with one of them; two arms are a pair");
    }
    if (arms.size() > 2) {
      if (sweep != null) {
        throw usage(
            "--sweep compares two arms: give BASELINE MANAGED with it ("
                + arms.size()
                + " arms given)");
      }
      if (managedLabel != null) {
        throw usage(
            "--managed-label names the second of two arms; with "
                + arms.size()
                + " arms each is named by its runs' label (bench run --label)");
      }
    }
    Slo given = goodputOption();
    Path dir = out != null ? out : defaultOut(arms);
    List<List<Run>> runs = new ArrayList<>();
    for (Path arm : arms) {
      runs.add(read(arm, dir));
    }
    List<Run> all = new ArrayList<>();
    runs.forEach(all::addAll);
    AbAnalysis.SloChoice choice = AbAnalysis.resolveSlo(given, all);
    Comparison.Settings settings =
        new Comparison.Settings(
            seed, bootstrap, choice.slo(), choice.source(), maxFailureRate, minEffectPct, headline);
    if (arms.size() > 2) {
      return compareMany(settings, runs, choice, dir);
    }
    List<Run> b = runs.get(0);
    List<Run> m = runs.get(1);
    SweepResult sw =
        sweep == null ? null : SweepAnalysis.analyse(sweep, choice.slo(), goodputTarget);
    Comparison c =
        new AbAnalysis(settings).compare(b, m, sw).withLabels(baselineLabel, managedLabel);
    if (c.metric(headline) == null) {
      throw usage(
          "--headline "
              + headline
              + ": no such metric in this comparison; one of "
              + String.join(", ", c.metrics().stream().map(r -> r.key()).toList()));
    }
    Files.createDirectories(dir);
    PrintWriter stdout = spec.commandLine().getOut();
    new ReportWriter(dir).write(c, stdout);
    return c.valid() ? 0 : 3;
  }

  /** Three or more arms: each compared with the first, in one report. */
  private int compareMany(
      Comparison.Settings settings, List<List<Run>> runs, AbAnalysis.SloChoice choice, Path dir)
      throws IOException {
    List<String> names = arms.stream().map(Main::armName).toList();
    MultiComparison mc =
        new MultiAnalysis(new AbAnalysis(settings)).compare(runs, names, baselineLabel);
    if (mc.first().metric(headline) == null) {
      throw usage(
          "--headline "
              + headline
              + ": no such metric in this comparison; one of "
              + String.join(", ", mc.first().metrics().stream().map(r -> r.key()).toList()));
    }
    Files.createDirectories(dir);
    if (reference != null && mc.arms().stream().noneMatch(a -> a.label().equals(reference))) {
      throw usage(
          "--reference "
              + reference
              + ": no arm has that label; one of "
              + String.join(", ", mc.arms().stream().map(a -> a.label()).toList()));
    }
    new MultiReportWriter(dir)
        .write(mc, ReferenceRatios.of(mc, reference), spec.commandLine().getOut());
    return mc.valid() ? 0 : 3;
  }

  /** An arm's name when its runs' labels do not tell the arms apart: its folder or file name. */
  private static String armName(Path arm) {
    Path p = arm.toAbsolutePath().normalize();
    Path name =
        Files.isDirectory(p) || p.getParent() == null
            ? p.getFileName()
            : p.getParent().getFileName();
    return name == null ? arm.toString() : name.toString();
  }

  /** --goodput, or the deprecated --slo with a note; null when neither is given. */
  private Slo goodputOption() {
    if (slo != null && !goodput.isEmpty()) {
      throw usage("--slo is the deprecated spelling of --goodput: give only --goodput");
    }
    List<String> args = slo != null ? List.of(slo) : goodput;
    if (args.isEmpty()) {
      return null;
    }
    try {
      Slo.Parsed p = Slo.parse(args, "--goodput");
      if (slo != null) {
        spec.commandLine()
            .getErr()
            .println(
                "compare.sh: warning: --slo is deprecated: write " + "--goodput " + p.slo().text());
      } else if (p.deprecation() != null) {
        spec.commandLine().getErr().println("compare.sh: warning: " + p.deprecation());
      }
      return p.slo();
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }

  /**
   * The runs of an arm, their paths shown relative to the output folder when inside it
   * (reproducible reports).
   */
  private static List<Run> read(Path arm, Path out) {
    Path base = out.toAbsolutePath().normalize();
    return RunDiscovery.results(arm).stream()
        .map(RunReader::read)
        .map(
            r -> {
              Path p = r.path().toAbsolutePath().normalize();
              return p.startsWith(base) ? r.withPath(base.relativize(p)) : r;
            })
        .toList();
  }

  /** The deepest directory holding every arm (bench/ab.sh's OUT), else the current directory. */
  static Path defaultOut(List<Path> arms) {
    Path a = dirOf(arms.get(0)).toAbsolutePath().normalize();
    for (Path arm : arms.subList(1, arms.size())) {
      Path b = dirOf(arm).toAbsolutePath().normalize();
      while (a != null && !b.startsWith(a)) {
        a = a.getParent();
      }
      if (a == null) {
        break;
      }
    }
    return a == null || a.getParent() == null ? Path.of("").toAbsolutePath() : a;
  }

  private static Path dirOf(Path p) {
    return Files.isDirectory(p) ? p : p.toAbsolutePath().getParent();
  }

  public static void main(String[] args) {
    System.exit(
        execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line and returns the exit status (tests call this). */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    System.setProperty("java.awt.headless", "true");
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(out);
    cl.setErr(err);
    cl.setParameterExceptionHandler(
        (ex, a) -> {
          err.println("compare.sh: error: " + ex.getMessage());
          err.println(
              "Usage: analysis/compare.sh BASELINE ARM [ARM...] [--out DIR] [--goodput ttft:MS "
                  + "tpot:MS] [--headline METRIC] "
                  + "[--sweep DIR] (--help for all)");
          return 2;
        });
    cl.setExecutionExceptionHandler(
        (ex, line, parsed) -> {
          int code = ex instanceof InputException ie && ie.isUsageError() ? 2 : 1;
          String msg = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
          err.println("compare.sh: " + (code == 2 ? "error: " : "") + msg);
          if (!(ex instanceof InputException || ex instanceof IOException)) {
            ex.printStackTrace(err);
          }
          return code;
        });
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /** The module's version. */
  public static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"fleetlb analysis " + (v == null ? "dev" : v)};
    }
  }
}
