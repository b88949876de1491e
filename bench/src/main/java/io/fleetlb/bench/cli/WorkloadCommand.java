package io.fleetlb.bench.cli;

import io.fleetlb.bench.workload.ModelShare;
import io.fleetlb.bench.workload.RequestClass;
import io.fleetlb.bench.workload.SettingsBuilder;
import io.fleetlb.bench.workload.Workload;
import io.fleetlb.bench.workload.WorkloadFile;
import io.fleetlb.bench.workload.WorkloadGenerator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench.jar workload}: writes a frozen workload file from vLLM-style dataset and arrival
 * flags.
 */
@Command(mixinStandardHelpOptions = true, versionProvider = io.fleetlb.bench.Main.Version.class,
    name = "workload", sortOptions = false, showDefaultValues = true, usageHelpAutoWidth = true,
        abbreviateSynopsis = true,
    description = "Generate a frozen workload file (JSON lines: header with settings, seed and "
        + "content hash, "
        + "then one line per request with its scheduled offset, model and exact body).")
public final class WorkloadCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE",
      description = "Workload file to write ('-' for stdout).")
  String out;

  @Option(names = "--spec", paramLabel = "FILE",
      description = "YAML or JSON file of settings named like these flags (models and classes "
          + "may be structured); flags on the command line override it.")
  Path specFile;

  @Option(names = "--dataset-name", defaultValue = "random", paramLabel = "NAME",
      description = "random, sonnet, sharegpt, trace or prefix_repetition.")
  String datasetName;

  @Option(names = "--dataset-path", paramLabel = "FILE",
      description = "ShareGPT JSON, trace CSV/JSONL, or sonnet lines file.")
  String datasetPath;

  @Option(names = "--num-prompts", paramLabel = "N",
      description = "Number of requests (default 1000; a trace: all its rows).")
  Integer numPrompts;

  @Option(names = "--model", paramLabel = "NAME[=WEIGHT]",
      description = "A model of the mix and its weight (default 1); repeat for a weighted mix.",
      showDefaultValue = CommandLine.Help.Visibility.NEVER)
  List<String> models = new ArrayList<>();

  @Option(names = "--class", paramLabel = "CLASS",
      description = "Request class NAME:WEIGHT:input=DIST:output=DIST[:model=NAME], repeatable. "
          + "DIST: N, fixed(N), uniform(MIN,MAX), normal(MEAN,STD[,min=,max=]), "
          + "lognormal(MEDIAN,SIGMA[,min=,max=]).",
      showDefaultValue = CommandLine.Help.Visibility.NEVER)
  List<String> classes = new ArrayList<>();

  @Option(names = "--endpoint", defaultValue = "/v1/chat/completions", paramLabel = "PATH",
      description = "Request path, chat or completions; decides the body shape.")
  String endpoint;

  @Option(names = "--random-input-len", defaultValue = "1024", paramLabel = "N",
      description = "Prompt tokens of the random dataset.") int randomInputLen;
  @Option(names = "--random-output-len", defaultValue = "128", paramLabel = "N",
      description = "Output tokens of the random dataset.") int randomOutputLen;
  @Option(names = "--random-range-ratio", defaultValue = "0.0", paramLabel = "R",
      description = "Lengths uniform in [len*(1-R), len*(1+R)] (vLLM).") double randomRangeRatio;
  @Option(names = "--random-prefix-len", defaultValue = "0", paramLabel = "N",
      description = "Shared prefix tokens before each random prompt.") int randomPrefixLen;
  @Option(names = "--input-len-dist", paramLabel = "DIST",
      description = "Input length distribution (overrides "
          + "--random-input-len/--sonnet-input-len).") String inputLenDist;
  @Option(names = "--output-len-dist", paramLabel = "DIST",
      description = "Output length distribution, e.g. "
          + "lognormal(200,1.0,max=4096).") String outputLenDist;
  @Option(names = "--sonnet-input-len", defaultValue = "550", paramLabel = "N",
      description = "Prompt tokens of the sonnet dataset.") int sonnetInputLen;
  @Option(names = "--sonnet-output-len", defaultValue = "150", paramLabel = "N",
      description = "Output tokens of the sonnet dataset.") int sonnetOutputLen;
  @Option(names = "--sonnet-prefix-len", defaultValue = "200", paramLabel = "N",
      description = "Tokens of the sonnet prompt every request shares (the prefix-cache-friendly "
          + "part).") int sonnetPrefixLen;
  @Option(names = "--sharegpt-output-len", paramLabel = "N",
      description = "Fixed output length instead of each ShareGPT reply's own (default: the "
          + "reply's).") Integer sharegptOutputLen;
  @Option(names = "--trace-time-scale", defaultValue = "1.0", paramLabel = "X",
      description = "Multiply the trace's gaps (0.5 = twice as fast).") double traceTimeScale;
  @Option(names = "--trace-time-unit", defaultValue = "auto", paramLabel = "UNIT",
      description = "auto, s, ms, us or ns for numeric trace timestamps (auto: s for CSV, ms for "
          + "JSONL).") String traceTimeUnit;

  @Option(names = "--prefix-repetition-prefix-len", defaultValue = "256", paramLabel = "N",
      description = "prefix_repetition: tokens of each shared prefix (vLLM).")
  int prefixRepetitionPrefixLen;
  @Option(names = "--prefix-repetition-suffix-len", defaultValue = "256", paramLabel = "N",
      description = "prefix_repetition: random tokens after the prefix, per request.")
  int prefixRepetitionSuffixLen;
  @Option(names = "--prefix-repetition-num-prefixes", defaultValue = "10", paramLabel = "K",
      description = "prefix_repetition: distinct prefixes; each gets num-prompts / K requests "
          + "(integer division, as vLLM).")
  int prefixRepetitionNumPrefixes;
  @Option(names = "--prefix-repetition-output-len", defaultValue = "128", paramLabel = "N",
      description = "prefix_repetition: output tokens of every request.")
  int prefixRepetitionOutputLen;

  @Option(names = "--num-sessions", paramLabel = "N",
      description = "Multi-turn conversations (GenAI-Perf): session starts follow the arrival "
          + "flags; a turn is due when its predecessor's answer ended plus a think time. With "
          + "--num-prompts the file stops after that many requests (default: no sessions).")
  Integer numSessions;
  @Option(names = "--session-turns-mean", paramLabel = "T",
      description = "Mean turns per session (normal, rounded, at least 1; default 1).")
  Double sessionTurnsMean;
  @Option(names = "--session-turns-stddev", paramLabel = "S",
      description = "Standard deviation of the turns per session (default 0).")
  Double sessionTurnsStddev;
  @Option(names = "--session-turn-delay-mean", paramLabel = "MS",
      description = "Mean think time in ms between an answer's end and the next turn (normal, "
          + "at least 0; default 0).")
  Double sessionTurnDelayMean;
  @Option(names = "--session-turn-delay-stddev", paramLabel = "MS",
      description = "Standard deviation of the think time in ms (default 0).")
  Double sessionTurnDelayStddev;

  @Option(names = "--request-rate", defaultValue = "inf", converter = Rates.class, paramLabel = "R",
      description = "Requests per second; inf sends all at t=0 (a closed loop with "
          + "--max-concurrency).")
  double requestRate;
  @Option(names = "--burstiness", defaultValue = "1.0", converter = Rates.class, paramLabel = "B",
      description = "Gamma shape of the gaps: 1 Poisson, < 1 burstier, > 1 smoother, inf constant.")
  double burstiness;
  @Option(names = "--arrival-pattern", paramLabel = "PATTERN",
      description = "poisson, gamma or constant (default: poisson when burstiness is 1, else "
          + "gamma).")
  String arrivalPattern;
  @Option(names = "--ramp-up-strategy", paramLabel = "STRATEGY",
      description = "linear or exponential rate ramp over the requests (vLLM; with "
          + "--ramp-up-start-rps and --ramp-up-end-rps).")
  String rampUpStrategy;
  @Option(names = "--ramp-up-start-rps", paramLabel = "R",
      description = "Rate of the ramp's first request (with "
          + "--ramp-up-strategy).") Double rampUpStartRps;
  @Option(names = "--ramp-up-end-rps", paramLabel = "R",
      description = "Rate of the ramp's last request (with "
          + "--ramp-up-strategy).") Double rampUpEndRps;
  @Option(names = "--max-concurrency", paramLabel = "N",
      description = "Concurrency cap applied at replay (requests beyond it queue; default: none).")
  Integer maxConcurrency;

  @Option(names = "--ignore-eos", negatable = true,
      description = "Ask for exactly the output length (default: on for random and trace, off "
          + "otherwise).")
  Boolean ignoreEos;
  @Option(names = "--temperature", paramLabel = "T",
      description = "Sampling temperature added to every body (default: not "
          + "sent).") Double temperature;
  @Option(names = "--top-p", paramLabel = "P",
      description = "top_p added to every body (default: not sent).") Double topP;
  @Option(names = "--top-k", paramLabel = "K",
      description = "top_k added to every body (default: not sent).") Integer topK;
  @Option(names = "--extra-body", paramLabel = "JSON",
      description = "JSON object merged into every body, overriding our fields (vLLM).")
  String extraBody;
  @Option(names = "--seed", defaultValue = "0", paramLabel = "S",
      description = "Seeds every random choice: the same settings and seed give the same "
          + "bytes.") long seed;

  @Override
  public Integer call() throws Exception {
    if (specFile != null) {
      return SpecFile.rerunWith(specFile, spec.commandLine().getParseResult().originalArgs());
    }
    SettingsBuilder b = new SettingsBuilder();
    b.datasetName = datasetName;
    b.datasetPath = datasetPath;
    b.numPrompts = numPrompts;
    b.endpoint = endpoint;
    b.randomInputLen = randomInputLen;
    b.randomOutputLen = randomOutputLen;
    b.randomRangeRatio = randomRangeRatio;
    b.randomPrefixLen = randomPrefixLen;
    b.inputLenDist = inputLenDist;
    b.outputLenDist = outputLenDist;
    b.sonnetInputLen = sonnetInputLen;
    b.sonnetOutputLen = sonnetOutputLen;
    b.sonnetPrefixLen = sonnetPrefixLen;
    b.sharegptOutputLen = sharegptOutputLen;
    b.traceTimeScale = traceTimeScale;
    b.traceTimeUnit = traceTimeUnit;
    b.requestRate = requestRate;
    b.burstiness = burstiness;
    b.arrivalPattern = arrivalPattern;
    b.rampUpStrategy = rampUpStrategy;
    b.rampUpStartRps = rampUpStartRps;
    b.rampUpEndRps = rampUpEndRps;
    b.maxConcurrency = maxConcurrency;
    b.ignoreEos = ignoreEos;
    b.temperature = temperature;
    b.topP = topP;
    b.topK = topK;
    b.extraBody = extraBody;
    b.prefixRepetitionPrefixLen = prefixRepetitionPrefixLen;
    b.prefixRepetitionSuffixLen = prefixRepetitionSuffixLen;
    b.prefixRepetitionNumPrefixes = prefixRepetitionNumPrefixes;
    b.prefixRepetitionOutputLen = prefixRepetitionOutputLen;
    b.numSessions = numSessions;
    b.sessionTurnsMean = sessionTurnsMean;
    b.sessionTurnsStddev = sessionTurnsStddev;
    b.sessionTurnDelayMean = sessionTurnDelayMean;
    b.sessionTurnDelayStddev = sessionTurnDelayStddev;
    b.seed = seed;
    assignModelsAndClasses(b);
    Workload w = WorkloadGenerator.generate(b.build());
    if (out.equals("-")) {
      WorkloadFile.write(w, System.out);
      System.out.flush();
    } else {
      Path file = Path.of(out);
      if (file.toAbsolutePath().getParent() != null) {
        // -o results/w.jsonl just works
        java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
      }
      WorkloadFile.write(w, file);
      String sessions = w.header().has("sessions")
          ? " in " + w.header().path("sessions").path("sessions").asInt() + " sessions" : "";
      System.err.printf(java.util.Locale.ROOT, "wrote %s: %d requests%s over %.3f s, models %s, "
          + "sha256 %s%n", out, w.requests().size(), sessions, w.spanNanos() / 1e9,
          w.header().path("models"), w.contentSha256());
    }
    return 0;
  }

  /**
   * Classes with {@code :model=NAME} belong to that model only; the others apply to every model.
   */
  private void assignModelsAndClasses(SettingsBuilder b) {
    Map<String, List<RequestClass>> perModel = new LinkedHashMap<>();
    for (String c : classes) {
      int at = c.lastIndexOf(":model=");
      if (at > 0) {
        perModel.computeIfAbsent(c.substring(at + 7),
            k -> new ArrayList<>()).add(RequestClass.parse(c.substring(0, at)));
      } else {
        b.classes.add(RequestClass.parse(c));
      }
    }
    for (String m : models) {
      ModelShare share = ModelShare.parse(m);
      List<RequestClass> own = perModel.remove(share.name());
      b.models.add(own == null ? share : new ModelShare(share.name(), share.weight(), own));
    }
    if (!perModel.isEmpty()) {
      throw new IllegalArgumentException("--class ...:model=" + perModel.keySet().iterator().next()
          + " names a model that is not in --model");
    }
  }
}
