package io.fleetlb.bench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetlb.bench.BenchVertx;
import io.fleetlb.bench.replay.ReadinessProbe;
import io.fleetlb.bench.replay.ReplayEngine;
import io.fleetlb.bench.replay.ReplayOptions;
import io.fleetlb.bench.report.ConsoleReport;
import io.fleetlb.bench.report.ResultBuilder;
import io.fleetlb.bench.report.ResultFiles;
import io.fleetlb.bench.report.RunInfo;
import io.fleetlb.bench.telemetry.MetricsTarget;
import io.fleetlb.bench.telemetry.NvidiaSmi;
import io.fleetlb.bench.telemetry.TelemetrySampler;
import io.fleetlb.bench.workload.Workload;
import io.fleetlb.bench.workload.WorkloadFile;
import io.fleetlb.bench.workload.WorkloadRequest;
import io.fleetlb.results.RunResult;
import io.fleetlb.results.Slo;
import io.fleetlb.results.ValidityReport;
import io.vertx.core.Vertx;
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
 * {@code bench.jar run}: replays a frozen workload open-loop against a server and writes the result.
 */
@Command(mixinStandardHelpOptions = true, versionProvider = io.fleetlb.bench.Main.Version.class,
    name = "run",
    sortOptions = false, showDefaultValues = true, usageHelpAutoWidth = true,
        abbreviateSynopsis = true,
    description = "Replay a workload open-loop against an OpenAI-compatible server; write "
        + "RESULT.json, "
        + "RESULT.requests.jsonl and RESULT.telemetry.jsonl; print vLLM's report plus ours. "
        + "Exit 0 valid, 1 failed or invalid, 2 usage error.")
public final class RunCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;
  @Option(names = {"--url", "--base-url"}, paramLabel = "URL",
      description = "Base URL of the server or router, e.g. http://127.0.0.1:8080 (--base-url as "
          + "in vllm bench serve).")
  String url;
  @Option(names = "--host", paramLabel = "HOST",
      description = "Host of the server, with --port, instead of --url (vLLM; default 127.0.0.1).")
  String host;
  @Option(names = "--port", paramLabel = "PORT", description = "Port of the server, with --host, "
      + "instead of --url (vLLM; default 8000).")
  Integer port;
  @Option(names = {"-w", "--workload"}, required = true, paramLabel = "FILE",
      description = "Workload file from 'bench.jar workload'.")
  Path workload;
  @Option(names = {"-o", "--out"}, paramLabel = "FILE",
      description = "Result JSON to write; the request and telemetry files go beside it. Or "
          + "vLLM's --save-result flags.")
  Path out;
  @Option(names = "--save-result", description = "Write the result as vllm bench serve does: to "
      + "--result-dir, named "
      + "--result-filename or LABEL-RATEqps-MODEL-DATE.json (any of the three implies it).")
  boolean saveResult;
  @Option(names = "--result-dir", paramLabel = "DIR", description = "Folder of the --save-result "
      + "file (default: the current one).")
  Path resultDir;
  @Option(names = "--result-filename", paramLabel = "NAME", description = "File name of the "
      + "--save-result file.")
  String resultFilename;
  @Option(names = "--endpoint", paramLabel = "PATH", description = "Request path (default: the "
      + "workload's); must match its body kind.")
  String endpoint;
  @Option(names = "--label", paramLabel = "LABEL", description = "Label recorded in the result; "
      + "compare.sh names the arm by it (default: the backend name).")
  String label;
  @Option(names = "--metadata", arity = "1..*", paramLabel = "KEY=VALUE", description = "Pairs "
      + "recorded at the result's top level (vLLM).",
      showDefaultValue = CommandLine.Help.Visibility.NEVER)
  List<String> metadata = new ArrayList<>();
  @Option(names = "--goodput", arity = "1..*", paramLabel = "KEY:MS",
      description = "SLOs for request_goodput, vLLM's syntax: --goodput ttft:2000 tpot:100 (keys "
          + "ttft, tpot, e2el; ms). Recorded in the result.",
      showDefaultValue = CommandLine.Help.Visibility.NEVER)
  List<String> goodput = new ArrayList<>();
  @Option(names = "--percentile-metrics", defaultValue = "ttft,tpot,itl,e2el",
      paramLabel = "M,M,...",
      description = "Metrics with statistics: ttft, tpot, itl, e2el, client_queue_time, "
          + "e2el_including_client_queue.")
  String percentileMetrics;
  @Option(names = "--metric-percentiles", defaultValue = "50,90,95,99", paramLabel = "P,P,...",
      description = "Percentiles reported, e.g. 99,99.9.")
  String metricPercentiles;
  @Option(names = "--max-concurrency", paramLabel = "N", description = "Override the workload's "
      + "concurrency cap (requests beyond it queue).")
  Integer maxConcurrency;
  @Option(names = "--client-warmup", converter = DurationConverter.class, defaultValue = "2s",
      paramLabel = "DURATION",
      description = "Exercise the client against an in-process upstream first so the JIT is warm "
          + "(0s skips it).")
  long clientWarmupNs;
  @Option(names = "--num-warmups", defaultValue = "0", paramLabel = "N", description = "Copies "
      + "of the first request sent before the run, not measured (vLLM).")
  int numWarmups;
  @Option(names = "--warmup-time", converter = DurationConverter.class, paramLabel = "DURATION",
      description = "Start of the steady-state window (default: 10%% of the schedule).")
  Long warmupNs;
  @Option(names = "--cooldown-time", converter = DurationConverter.class, paramLabel = "DURATION",
      description = "Schedule time cut from the end of the steady-state window (default: 10%% of "
          + "the schedule).")
  Long cooldownNs;
  @Option(names = "--request-timeout", converter = DurationConverter.class, defaultValue = "600s",
      paramLabel = "DURATION",
      description = "Per request; 0s = none. A timed-out request is failed and its stream reset.")
  long requestTimeoutNs;
  @Option(names = "--ready-check-timeout-sec", defaultValue = "0", paramLabel = "S",
      description = "Keep retrying an unreachable server this many seconds (vLLM; 0 = one try).")
  double readyCheckTimeoutSec;
  @Option(names = "--header", arity = "1..*", paramLabel = "KEY=VALUE", description = "Headers "
      + "sent with every request, e.g. Authorization=Bearer KEY.",
      showDefaultValue = CommandLine.Help.Visibility.NEVER)
  List<String> header = new ArrayList<>();
  @Option(names = "--insecure", description = "Trust any TLS certificate for https:// URLs.")
  boolean insecure;
  @Option(names = "--max-connections", defaultValue = "0", paramLabel = "N", description = "Cap "
      + "the connection pool (0 = never caps); waits are counted.")
  int maxConnections;
  @Option(names = "--keep-alive-idle", converter = DurationConverter.class, defaultValue = "4s",
      paramLabel = "DURATION",
      description = "Reuse a keep-alive connection only if idle less than this (uvicorn closes "
          + "at 5 s).")
  long keepAliveIdleNs;
  @Option(names = "--event-loops", paramLabel = "N", description = "Event loops issuing requests "
      + "(default: min(2, CPUs)).")
  Integer eventLoops;
  @Option(names = "--pacer-spin", converter = DurationConverter.class, defaultValue = "60us",
      paramLabel = "DURATION",
      description = "Final busy-wait window of the pacer thread (NIO transport; later turns of "
          + "sessions) before each scheduled time.")
  long pacerSpinNs;
  @Option(names = "--gpu-metrics", arity = "1..*", paramLabel = "[ID=]URL[#gpu=N]",
      description = "DCGM-format endpoints (dcgm-exporter, vllm-sim /gpu/metrics); #gpu=N keeps "
          + "one GPU of a page.",
      showDefaultValue = CommandLine.Help.Visibility.NEVER)
  List<String> gpuMetrics = new ArrayList<>();
  @Option(names = "--server-metrics", arity = "1..*", paramLabel = "[ID=]URL",
      description = "vLLM /metrics endpoints; ID = the replica's x-lb-replica id, so telemetry "
          + "joins its requests.",
      showDefaultValue = CommandLine.Help.Visibility.NEVER)
  List<String> serverMetrics = new ArrayList<>();
  @Option(names = "--nvidia-smi", arity = "0..1", fallbackValue = "nvidia-smi", paramLabel = "PATH",
      description = "Also sample local GPUs with nvidia-smi (optionally its path).")
  String nvidiaSmi;
  @Option(names = "--telemetry-interval", converter = DurationConverter.class, defaultValue = "1s",
      paramLabel = "DURATION",
      description = "Telemetry sampling period, on the run's clock.")
  long telemetryIntervalNs;
  @Option(names = "--max-schedule-lag-ms", defaultValue = "1.0", paramLabel = "MS",
      description = "Validity: the schedule lag (p99, or a lower percentile with at least ten "
          + "requests above it) may exceed this only as far as --max-schedule-lag-share allows.")
  double maxLagMs;
  @Option(names = "--max-schedule-lag-share", defaultValue = "0.10", paramLabel = "F",
      description = "Validity: lag over --max-schedule-lag-ms is only a warning while within "
          + "this fraction of the median TTFT (0 = the absolute gate alone).")
  double maxLagShare;
  @Option(names = "--min-achieved-ratio", defaultValue = "0.99", paramLabel = "F",
      description = "Validity: minimum achieved / offered rate.")
  double minAchievedRatio;
  @Option(names = "--save-detailed", description = "Also write vLLM's per-request arrays into "
      + "the result JSON.")
  boolean saveDetailed;
  @Option(names = "--no-progress", description = "No progress bar (there is none without a "
      + "console anyway).")
  boolean noProgress;
  @Option(names = "--progress-file", paramLabel = "FILE",
      description = "Keep 'finished sent total' of the run in this file, for wrappers such as "
          + "bench/ab.sh.")
  Path progressFile;

  @Override
  public Integer call() throws Exception {
    BaseUrl base = BaseUrl.parse(baseUrl());
    Map<String, String> meta = pairs(metadata, "--metadata", '=');
    Map<String, String> headers = pairs(header, "--header", '=');
    Slo slo = null;
    if (!goodput.isEmpty()) {
      Slo.Parsed parsed = Slo.parse(goodput, "--goodput");
      if (parsed.deprecation() != null) {
        spec.commandLine().getErr().println("bench: warning: " + parsed.deprecation());
        spec.commandLine().getErr().flush();
      }
      slo = parsed.slo();
    }
    List<String> metrics = Options.percentileMetrics(percentileMetrics);
    List<Double> percentiles = Options.percentiles(metricPercentiles);
    List<MetricsTarget> gpus = gpuMetrics.stream().map(s -> MetricsTarget.parse(s,
        "--gpu-metrics")).toList();
    List<MetricsTarget> servers = serverMetrics.stream().map(s -> MetricsTarget.parse(s,
        "--server-metrics")).toList();
    if (numWarmups < 0) {
      throw new IllegalArgumentException("--num-warmups must be >= 0");
    }
    Workload w;
    try {
      w = WorkloadFile.read(workload);
    } catch (java.io.IOException e) {
      throw new BenchFailure(e.getMessage());
    }
    if (w.requests().isEmpty()) {
      throw new BenchFailure(workload + ": the workload has no requests");
    }
    String heapWarning = HeapEstimate.warning(w.requests(), Runtime.getRuntime().maxMemory());
    if (heapWarning != null) {
      System.err.println(heapWarning);
    }
    String path = Options.endpointFor(w, endpoint);
    JsonNode fileCap = w.header().path("max_concurrency");
    Integer cap = maxConcurrency != null ? maxConcurrency : fileCap.isInt() ? fileCap.asInt() : null;
    int loops = eventLoops != null ? eventLoops : Math.max(1, Math.min(2,
        Runtime.getRuntime().availableProcessors()));
    ReplayOptions ro = new ReplayOptions(base.host(), base.port(), base.ssl(), insecure,
        endpoint == null ? null : path,
        headers, cap, requestTimeoutNs, loops, pacerSpinNs, 100_000_000L, maxConnections,
            keepAliveIdleNs);
    Path resultFile = resultPath(w);
    ResultFiles files = new ResultFiles(resultFile);
    Path dir = resultFile.toAbsolutePath().getParent();
    try {
      java.nio.file.Files.createDirectories(dir); // as vllm bench serve makes its --result-dir
    } catch (java.io.IOException e) {
      throw new BenchFailure("--out " + resultFile + ": cannot create " + dir + " "
          + "(" + e.getMessage() + ")");
    }
    if (!java.nio.file.Files.isWritable(dir)) {
      throw new BenchFailure("--out " + resultFile + ": the directory " + dir + " is not writable");
    }
    Vertx vertx = BenchVertx.create(loops);
    Vertx telemetryVertx = null;
    try (ReplayEngine engine = new ReplayEngine(vertx, ro)) {
      List<String> models = w.requests().stream().map(WorkloadRequest::model).distinct().toList();
      try {
        ReadinessProbe.check(vertx.getOrCreateContext(), engine.client(), base.host(), base.port(),
            base.ssl(), headers, models,
            Math.round(readyCheckTimeoutSec * 1e9));
      } catch (ReadinessProbe.NotReady e) {
        throw new BenchFailure(e.getMessage());
      }
      Options.clientWarmup(vertx, loops, clientWarmupNs);
      // vLLM's "initial single prompt test run": proves the path works end to end before the
      // clock starts, and loads the client's classes so the first scheduled requests are not late
      Options.testRequest(engine, w.requests().get(0));
      if (numWarmups > 0) {
        Options.warmUp(engine, w.requests().get(0), numWarmups);
      }
      boolean sampling = !gpus.isEmpty() || !servers.isEmpty() || nvidiaSmi != null;
      // telemetry gets its own event loop: scrapes must never delay a request's hand-off
      telemetryVertx = sampling ? BenchVertx.create(1) : null;
      TelemetrySampler sampler = sampling ? new TelemetrySampler(telemetryVertx, gpus, servers,
          nvidiaSmi == null ? null : new NvidiaSmi(nvidiaSmi), telemetryIntervalNs,
              files.telemetry()) : null;
      // collect the set-up's garbage now rather than during the measurement (benchmark hygiene)
      System.gc();
      long t0 = System.nanoTime() + ro.leadInNs();
      if (sampling) {
        sampler.start(t0);
      }
      ReplayEngine.Recording rec;
      try (Progress p = new Progress("bench", w.requests().size(), engine::finishedCount,
          engine::sentCount, !noProgress,
          progressFile)) {
        rec = engine.run(w.requests(), t0);
      }
      List<ObjectNode> samples = List.of();
      if (sampler != null) {
        samples = sampler.stop();
        sampler.close();
      }
      RunInfo info = new RunInfo(label, base.text(), path, meta, cap, metrics, percentiles, slo,
          warmupNs, cooldownNs,
          new ValidityReport.Thresholds(maxLagMs, maxLagShare, minAchievedRatio), w.header(),
              workload.toString(), saveDetailed,
          numWarmups, engine.poolSize(), files.requests().getFileName().toString(),
          files.telemetry().getFileName().toString());
      RunResult result = ResultBuilder.build(info, rec, samples, telemetryIntervalNs);
      files.writeRequests(rec.outcomes());
      files.writeResult(result);
      System.out.print(ConsoleReport.render(result));
      System.err.println("wrote " + files.result() + ", " + files.requests()
          + (sampling ? ", " + files.telemetry() : ""));
      return result.valid() ? 0 : 1;
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get();
      if (telemetryVertx != null) {
        telemetryVertx.close().toCompletionStage().toCompletableFuture().get();
      }
    }
  }

  /** --url (or --base-url), or vLLM's --host/--port. */
  private String baseUrl() {
    if (url != null && (host != null || port != null)) {
      throw new IllegalArgumentException("give either --url (--base-url) or --host/--port, not "
          + "both");
    }
    if (url != null) {
      return url;
    }
    if (host == null && port == null) {
      throw new IllegalArgumentException("missing the server: give --url http://HOST:PORT (or "
          + "vLLM's --base-url, or "
          + "--host and --port)");
    }
    return "http://" + (host == null ? "127.0.0.1" : host) + ":" + (port == null ? 8000 : port);
  }

  /** -o, or vLLM's --save-result [--result-dir DIR] [--result-filename NAME]. */
  private Path resultPath(Workload w) {
    boolean vllmStyle = saveResult || resultDir != null || resultFilename != null;
    if (out != null && vllmStyle) {
      throw new IllegalArgumentException("give either -o/--out or "
          + "--save-result/--result-dir/--result-filename, not both");
    }
    if (out != null) {
      return out;
    }
    if (!vllmStyle) {
      throw new IllegalArgumentException("missing the result file: give -o RESULT.json (or "
          + "vLLM's --save-result "
          + "[--result-dir DIR] [--result-filename NAME])");
    }
    String backend = Options.endpointFor(w, endpoint).endsWith("/chat/completions")
        ? "openai-chat" : "openai";
    String name = resultFilename != null ? resultFilename
        : ResultFiles.vllmName(label != null ? label : backend, w.header(), maxConcurrency);
    return resultDir == null ? Path.of(name) : resultDir.resolve(name);
  }

  static Map<String, String> pairs(List<String> items, String flag, char sep) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String item : items) {
      int i = item.indexOf(sep);
      if (i <= 0) {
        throw new IllegalArgumentException(flag + " '" + item + "': expected KEY" + sep + "VALUE");
      }
      m.put(item.substring(0, i).trim(), item.substring(i + 1));
    }
    return m;
  }
}
