package io.fleetlb.bench.cli;

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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench.jar run}: replays a frozen workload open-loop against a server and writes the result. */
@Command(mixinStandardHelpOptions = true, versionProvider = io.fleetlb.bench.Main.Version.class, name = "run", sortOptions = false, usageHelpAutoWidth = true, abbreviateSynopsis = true,
    description = "Replay a workload open-loop against an OpenAI-compatible server; write RESULT.json, "
        + "RESULT.requests.jsonl and RESULT.telemetry.jsonl; print vLLM's report plus ours. "
        + "Exit 0 valid, 1 failed or invalid, 2 usage error.")
public final class RunCommand implements Callable<Integer> {
  @Option(names = "--url", required = true, description = "Base URL of the server or router, e.g. http://127.0.0.1:8080.")
  String url;
  @Option(names = {"-w", "--workload"}, required = true, description = "Workload file from 'bench.jar workload'.")
  Path workload;
  @Option(names = {"-o", "--out"}, required = true, description = "Result JSON to write; request and telemetry files go beside it.")
  Path out;
  @Option(names = "--endpoint", description = "Request path (default: the workload's); must match its body kind.")
  String endpoint;
  @Option(names = "--label", description = "Label recorded in the result (default: the backend name).")
  String label;
  @Option(names = "--metadata", arity = "1..*", description = "KEY=VALUE pairs recorded at the result's top level.")
  List<String> metadata = new ArrayList<>();
  @Option(names = "--goodput", arity = "1..*", description = "SLOs KEY:MS with KEY ttft, tpot or e2el.")
  List<String> goodput = new ArrayList<>();
  @Option(names = "--percentile-metrics", defaultValue = "ttft,tpot,itl,e2el",
      description = "Metrics to report (ttft, tpot, itl, e2el, client_queue_time, e2el_including_client_queue); default ${DEFAULT-VALUE}.")
  String percentileMetrics;
  @Option(names = "--metric-percentiles", defaultValue = "50,90,95,99", description = "Percentiles (default ${DEFAULT-VALUE}).")
  String metricPercentiles;
  @Option(names = "--max-concurrency", description = "Override the workload's concurrency cap.")
  Integer maxConcurrency;
  @Option(names = "--client-warmup", converter = DurationConverter.class, defaultValue = "2s",
      description = "Exercise the client against an in-process upstream first, so the JIT is warm (0 = skip; default ${DEFAULT-VALUE}).")
  long clientWarmupNs;
  @Option(names = "--num-warmups", defaultValue = "0", description = "Copies of the first request sent before the run, not measured.")
  int numWarmups;
  @Option(names = "--warmup-time", converter = DurationConverter.class, description = "Start of the steady-state window (default 10%% of the schedule).")
  Long warmupNs;
  @Option(names = "--cooldown-time", converter = DurationConverter.class, description = "Schedule time cut from the end of the window (default 10%%).")
  Long cooldownNs;
  @Option(names = "--request-timeout", converter = DurationConverter.class, defaultValue = "600s", description = "Per request, 0 = none (default ${DEFAULT-VALUE}).")
  long requestTimeoutNs;
  @Option(names = "--ready-check-timeout-sec", defaultValue = "0", description = "Keep retrying an unreachable server this long (default: one try).")
  double readyCheckTimeoutSec;
  @Option(names = "--header", arity = "1..*", description = "KEY=VALUE headers sent with every request.")
  List<String> header = new ArrayList<>();
  @Option(names = "--insecure", description = "Trust any TLS certificate.")
  boolean insecure;
  @Option(names = "--max-connections", defaultValue = "0", description = "Cap the connection pool (0 = 32768); waits are counted.")
  int maxConnections;
  @Option(names = "--keep-alive-idle", converter = DurationConverter.class, defaultValue = "4s",
      description = "Reuse a keep-alive connection only if idle less than this (uvicorn closes at 5 s).")
  long keepAliveIdleNs;
  @Option(names = "--event-loops", description = "Event loops issuing requests (default: min(2, CPUs)).")
  Integer eventLoops;
  @Option(names = "--pacer-spin", converter = DurationConverter.class, defaultValue = "60us", description = "Final busy-wait window of the pacer.")
  long pacerSpinNs;
  @Option(names = "--gpu-metrics", arity = "1..*", description = "[ID=]URL[#gpu=N] of a DCGM-format endpoint (dcgm-exporter, vllm-sim /gpu/metrics).")
  List<String> gpuMetrics = new ArrayList<>();
  @Option(names = "--server-metrics", arity = "1..*", description = "[ID=]URL of a vLLM /metrics endpoint; ID = the replica's x-lb-replica id.")
  List<String> serverMetrics = new ArrayList<>();
  @Option(names = "--nvidia-smi", arity = "0..1", fallbackValue = "nvidia-smi", description = "Also sample local GPUs with nvidia-smi (optional path).")
  String nvidiaSmi;
  @Option(names = "--telemetry-interval", converter = DurationConverter.class, defaultValue = "1s", description = "Sampling period (default ${DEFAULT-VALUE}).")
  long telemetryIntervalNs;
  @Option(names = "--max-schedule-lag-ms", defaultValue = "1.0", description = "Validity: maximum p99 schedule lag (default ${DEFAULT-VALUE}).")
  double maxLagMs;
  @Option(names = "--max-schedule-lag-share", defaultValue = "0.05",
      description = "Validity: lag above --max-schedule-lag-ms is only a warning while within this share of the median TTFT (default ${DEFAULT-VALUE}; 0 = the absolute gate alone).")
  double maxLagShare;
  @Option(names = "--min-achieved-ratio", defaultValue = "0.99", description = "Validity: minimum achieved/offered rate (default ${DEFAULT-VALUE}).")
  double minAchievedRatio;
  @Option(names = "--save-detailed", description = "Also write vLLM's per-request arrays into the result JSON.")
  boolean saveDetailed;
  @Option(names = "--no-progress", description = "No progress bar.")
  boolean noProgress;

  @Override
  public Integer call() throws Exception {
    BaseUrl base = BaseUrl.parse(url);
    Map<String, String> meta = pairs(metadata, "--metadata", '=');
    Map<String, String> headers = pairs(header, "--header", '=');
    Slo slo = null;
    if (!goodput.isEmpty()) {
      Slo.Parsed parsed = Slo.parse(goodput, "--goodput");
      if (parsed.deprecation() != null) {
        System.err.println("bench: warning: " + parsed.deprecation());
      }
      slo = parsed.slo();
    }
    List<String> metrics = Options.percentileMetrics(percentileMetrics);
    List<Double> percentiles = Options.percentiles(metricPercentiles);
    List<MetricsTarget> gpus = gpuMetrics.stream().map(s -> MetricsTarget.parse(s, "--gpu-metrics")).toList();
    List<MetricsTarget> servers = serverMetrics.stream().map(s -> MetricsTarget.parse(s, "--server-metrics")).toList();
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
    String path = Options.endpointFor(w, endpoint);
    Integer cap = maxConcurrency != null ? maxConcurrency
        : w.header().path("max_concurrency").isInt() ? w.header().path("max_concurrency").asInt() : null;
    int loops = eventLoops != null ? eventLoops : Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
    ReplayOptions ro = new ReplayOptions(base.host(), base.port(), base.ssl(), insecure, endpoint == null ? null : path,
        headers, cap, requestTimeoutNs, loops, pacerSpinNs, 100_000_000L, maxConnections, keepAliveIdleNs);
    ResultFiles files = new ResultFiles(out);
    Path dir = out.toAbsolutePath().getParent();
    if (dir == null || !java.nio.file.Files.isDirectory(dir) || !java.nio.file.Files.isWritable(dir)) {
      throw new BenchFailure("--out " + out + ": the directory " + dir + " does not exist or is not writable");
    }
    Vertx vertx = BenchVertx.create(loops);
    Vertx telemetryVertx = null;
    try (ReplayEngine engine = new ReplayEngine(vertx, ro)) {
      List<String> models = w.requests().stream().map(WorkloadRequest::model).distinct().toList();
      try {
        ReadinessProbe.check(vertx.getOrCreateContext(), engine.client(), base.host(), base.port(), base.ssl(), headers, models,
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
          nvidiaSmi == null ? null : new NvidiaSmi(nvidiaSmi), telemetryIntervalNs, files.telemetry()) : null;
      // collect the set-up's garbage now rather than during the measurement (benchmark hygiene)
      System.gc();
      long t0 = System.nanoTime() + ro.leadInNs();
      if (sampling) {
        sampler.start(t0);
      }
      ReplayEngine.Recording rec;
      try (Progress p = new Progress("bench", w.requests().size(), engine::finishedCount, engine::sentCount, !noProgress)) {
        rec = engine.run(w.requests(), t0);
      }
      List<ObjectNode> samples = List.of();
      if (sampler != null) {
        samples = sampler.stop();
        sampler.close();
      }
      RunInfo info = new RunInfo(label, base.text(), path, meta, cap, metrics, percentiles, slo, warmupNs, cooldownNs,
          new ValidityReport.Thresholds(maxLagMs, maxLagShare, minAchievedRatio), w.header(), workload.toString(), saveDetailed,
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
