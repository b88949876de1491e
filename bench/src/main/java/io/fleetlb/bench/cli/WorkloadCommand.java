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

/** {@code bench.jar workload}: writes a frozen workload file from vLLM-style dataset and arrival flags. */
@Command(mixinStandardHelpOptions = true, versionProvider = io.fleetlb.bench.Main.Version.class, name = "workload", sortOptions = false, usageHelpAutoWidth = true, abbreviateSynopsis = true,
    description = "Generate a frozen workload file (JSON lines: header with settings, seed and content hash, "
        + "then one line per request with its scheduled offset, model and exact body).")
public final class WorkloadCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = {"-o", "--out"}, required = true, description = "Workload file to write ('-' for stdout).")
  String out;

  @Option(names = "--spec", description = "YAML or JSON file of settings named like these flags "
      + "(models and classes may be structured); flags on the command line override it.")
  Path specFile;

  @Option(names = "--dataset-name", defaultValue = "random", description = "random, sonnet, sharegpt or trace (default: ${DEFAULT-VALUE}).")
  String datasetName;

  @Option(names = "--dataset-path", description = "ShareGPT JSON, trace CSV/JSONL, or sonnet lines file.")
  String datasetPath;

  @Option(names = "--num-prompts", description = "Number of requests (default 1000; a trace defaults to all its rows).")
  Integer numPrompts;

  @Option(names = "--model", description = "Model NAME[=WEIGHT], repeatable for a weighted mix.")
  List<String> models = new ArrayList<>();

  @Option(names = "--class", description = "Request class NAME:WEIGHT:input=DIST:output=DIST[:model=NAME], repeatable. "
      + "DIST: N, fixed(N), uniform(MIN,MAX), normal(MEAN,STD[,min=,max=]), lognormal(MEDIAN,SIGMA[,min=,max=]).")
  List<String> classes = new ArrayList<>();

  @Option(names = "--endpoint", defaultValue = "/v1/chat/completions", description = "Request path, chat or completions (default: ${DEFAULT-VALUE}).")
  String endpoint;

  @Option(names = "--random-input-len", defaultValue = "1024") int randomInputLen;
  @Option(names = "--random-output-len", defaultValue = "128") int randomOutputLen;
  @Option(names = "--random-range-ratio", defaultValue = "0.0", description = "Lengths uniform in [len*(1-r), len*(1+r)].") double randomRangeRatio;
  @Option(names = "--random-prefix-len", defaultValue = "0", description = "Shared prefix tokens before each random prompt.") int randomPrefixLen;
  @Option(names = "--input-len-dist", description = "Input length distribution (overrides --random-input-len/--sonnet-input-len).") String inputLenDist;
  @Option(names = "--output-len-dist", description = "Output length distribution, e.g. lognormal(200,1.0,max=4096).") String outputLenDist;
  @Option(names = "--sonnet-input-len", defaultValue = "550") int sonnetInputLen;
  @Option(names = "--sonnet-output-len", defaultValue = "150") int sonnetOutputLen;
  @Option(names = "--sonnet-prefix-len", defaultValue = "200") int sonnetPrefixLen;
  @Option(names = "--sharegpt-output-len", description = "Fixed output length instead of the reply's.") Integer sharegptOutputLen;
  @Option(names = "--trace-time-scale", defaultValue = "1.0", description = "Multiply trace gaps (0.5 = twice as fast).") double traceTimeScale;
  @Option(names = "--trace-time-unit", defaultValue = "auto", description = "auto, s, ms, us or ns for numeric trace timestamps.") String traceTimeUnit;

  @Option(names = "--request-rate", defaultValue = "inf", converter = Rates.class, description = "Requests per second; inf sends all at t=0 (default: ${DEFAULT-VALUE}).")
  double requestRate;
  @Option(names = "--burstiness", defaultValue = "1.0", converter = Rates.class, description = "Gamma shape of the gaps: 1 Poisson, <1 burstier, >1 smoother.")
  double burstiness;
  @Option(names = "--arrival-pattern", description = "poisson, gamma or constant (default: poisson when burstiness is 1, else gamma).")
  String arrivalPattern;
  @Option(names = "--ramp-up-strategy", description = "linear or exponential (with --ramp-up-start-rps/--ramp-up-end-rps).")
  String rampUpStrategy;
  @Option(names = "--ramp-up-start-rps") Double rampUpStartRps;
  @Option(names = "--ramp-up-end-rps") Double rampUpEndRps;
  @Option(names = "--max-concurrency", description = "Concurrency cap applied at replay (closed loop with rate inf).")
  Integer maxConcurrency;

  @Option(names = "--ignore-eos", negatable = true, description = "Ask for exactly the output length (default: on for random and trace).")
  Boolean ignoreEos;
  @Option(names = "--temperature") Double temperature;
  @Option(names = "--top-p") Double topP;
  @Option(names = "--top-k") Integer topK;
  @Option(names = "--extra-body", description = "JSON object merged into every body (overrides our fields).")
  String extraBody;
  @Option(names = "--seed", defaultValue = "0") long seed;

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
    b.seed = seed;
    assignModelsAndClasses(b);
    Workload w = WorkloadGenerator.generate(b.build());
    if (out.equals("-")) {
      WorkloadFile.write(w, System.out);
      System.out.flush();
    } else {
      WorkloadFile.write(w, Path.of(out));
      System.err.printf(java.util.Locale.ROOT, "wrote %s: %d requests over %.3f s, models %s, sha256 %s%n", out,
          w.requests().size(), w.spanNanos() / 1e9, w.header().path("models"), w.contentSha256());
    }
    return 0;
  }

  /** Classes with {@code :model=NAME} belong to that model only; the others apply to every model. */
  private void assignModelsAndClasses(SettingsBuilder b) {
    Map<String, List<RequestClass>> perModel = new LinkedHashMap<>();
    for (String c : classes) {
      int at = c.lastIndexOf(":model=");
      if (at > 0) {
        perModel.computeIfAbsent(c.substring(at + 7), k -> new ArrayList<>()).add(RequestClass.parse(c.substring(0, at)));
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
