package io.fleetlb.sim;

import io.fleetlb.sim.engine.Calibration;
import io.fleetlb.sim.engine.MetricsVersion;
import io.fleetlb.sim.engine.Profile;
import io.fleetlb.sim.engine.Profiles;
import io.fleetlb.units.Durations;
import io.fleetlb.sim.fleet.FleetFile;
import io.fleetlb.sim.replica.ReplicaOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code vllm-sim} command line: one replica, or a fleet of them, in this process. */
@Command(name = "vllm-sim", mixinStandardHelpOptions = true, version = "vllm-sim 0.1.0",
    sortOptions = false, showDefaultValues = true,
    description = "A faithful vLLM replica simulator: vLLM's OpenAI API, SSE and /metrics over a "
        + "continuous-batching engine model. No GPU needed.")
public final class Main implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Option(names = "--model", paramLabel = "NAME",
      description = "Served model name (one replica).")
  private String model;

  @Option(names = "--port", defaultValue = "8000", paramLabel = "PORT",
      description = "Port to listen on; 0 picks any free one.")
  private int port;

  @Option(names = "--fleet", paramLabel = "FILE",
      description = "Fleet file: many replicas in one process (e.g. vllm-sim/fleet-6.yaml).")
  private Path fleet;

  @Option(names = "--profile", paramLabel = "ID",
      description = "Performance profile (default: chosen from the model name); see "
          + "--list-profiles.")
  private String profile;

  @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST",
      description = "Address to listen on.")
  private String host;

  @Option(names = "--id", paramLabel = "ID",
      description = "Replica id (telemetry Hostname label; default: the port).")
  private String id;

  @Option(names = "--gpu-index", defaultValue = "0", paramLabel = "N",
      description = "GPU index reported by /gpu/metrics.")
  private int gpuIndex;

  @Option(names = "--max-num-seqs", paramLabel = "N",
      description = "Running-set bound (default: the profile's, 1024 for V1 on H100).")
  private Integer maxNumSeqs;

  @Option(names = "--max-num-batched-tokens", paramLabel = "N",
      description = "Token budget per step (default: the profile's, 8192).")
  private Integer maxNumBatchedTokens;

  @Option(names = "--time-scale", defaultValue = "1.0", paramLabel = "X",
      description = "Run the engine clock this many times faster than real time.")
  private double timeScale;

  @Option(names = "--metrics-version", defaultValue = "v1", paramLabel = "v1|v0",
      description = "v1 (vLLM v0.11) or v0 (v0.6.4.post1) metrics and wire format.")
  private String metricsVersion;

  @Option(names = "--enable-prefix-caching", negatable = true,
      description = "Cache full KV blocks by their chained hash and reuse them across requests "
          + "(vLLM's automatic prefix caching); --no-enable-prefix-caching turns it off. "
          + "Default: on with --metrics-version v1 (vLLM V1), off with v0 (v0.6.4).")
  private Boolean enablePrefixCaching;

  @Option(names = "--enable-prompt-tokens-details",
      description = "Report usage.prompt_tokens_details.cached_tokens, as vLLM's flag does.")
  private boolean enablePromptTokensDetails;

  @Option(names = "--seed", defaultValue = "0", paramLabel = "S",
      description = "Seed for output lengths and text.")
  private long seed;

  @Option(names = "--startup-delay", defaultValue = "0s", paramLabel = "DURATION",
      description = "Answer 503 from /health and the API for this long (model loading), e.g. 30s.")
  private String startupDelay;

  @Option(names = "--error-rate", defaultValue = "0", paramLabel = "F",
      description = "Fraction of requests failed with a 500.")
  private double errorRate;

  @Option(names = "--stall-after", defaultValue = "-1", paramLabel = "N",
      description = "Stop sending every response after this many tokens and hang (-1 = never).")
  private int stallAfter;

  @Option(names = "--slowdown", defaultValue = "1.0", paramLabel = "X",
      description = "Step-time multiplier of a degraded GPU.")
  private double slowdown;

  @Option(names = "--keep-alive-timeout", defaultValue = "5s", paramLabel = "DURATION",
      description = "Close idle keep-alive connections after this long, like uvicorn.")
  private String keepAliveTimeout;

  @Option(names = "--request-log", paramLabel = "FILE",
      description = "Append one JSON line per generation request (its x-request-id, outcome, "
          + "output tokens sent, times) to this file; see docs/vllm-sim.md. Default: none.")
  private Path requestLog;

  @Option(names = "--list-profiles",
      description = "Print the built-in profiles and their calibration, then exit.")
  private boolean listProfiles;

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (listProfiles) {
      for (String p : Profiles.ids()) {
        Calibration.print(Profiles.byId(p).orElseThrow(), System.out);
      }
      System.out.println("prefix caching: on by default with --metrics-version v1, off with v0; "
          + "now " + (enablePrefixCaching != null ? (enablePrefixCaching ? "on" : "off")
              : "v1".equalsIgnoreCase(metricsVersion.trim()) ? "on" : "off")
          + " for --metrics-version " + metricsVersion);
      return 0;
    }
    List<ReplicaOptions> replicas;
    try {
      replicas = replicas();
    } catch (IllegalArgumentException e) {
      System.err.println("vllm-sim: " + e.getMessage());
      return 2;
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Runtime.getRuntime().availableProcessors()));
    List<SimReplica> started = new ArrayList<>();
    for (ReplicaOptions o : replicas) {
      try {
        SimReplica r = SimReplica.start(vertx, o).await(30, TimeUnit.SECONDS);
        started.add(r);
        System.out.printf("vllm-sim: %s serving %s (%s, metrics %s, prefix caching %s, "
            + "time-scale %s) on http://%s:%d%n",
            o.id(), o.model(), o.profile().id(),
                o.metricsVersion().name().toLowerCase(java.util.Locale.ROOT),
            o.prefixCaching() ? "on" : "off", o.timeScale(), o.host(), r.port());
      } catch (Exception e) {
        System.err.printf("vllm-sim: cannot start %s on %s:%d: %s%n", o.id(), o.host(), o.port(),
            e.getMessage());
        stop(vertx, started);
        return 1;
      }
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stop(vertx, started);
      stopped.countDown();
    }, "vllm-sim-shutdown"));
    stopped.await();
    return 0;
  }

  private static void stop(Vertx vertx, List<SimReplica> replicas) {
    try {
      Future.join(replicas.stream().map(SimReplica::close).toList()).await(5, TimeUnit.SECONDS);
      vertx.close().await(5, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // shutting down anyway
    }
  }

  private List<ReplicaOptions> replicas() {
    CommandLine.ParseResult pr = spec.commandLine().getParseResult();
    if (fleet != null) {
      if (model != null) {
        throw new IllegalArgumentException("use either --fleet or --model, not both");
      }
      List<ReplicaOptions> out = new ArrayList<>();
      for (ReplicaOptions o : FleetFile.load(fleet)) {
        ReplicaOptions.Builder b = o.toBuilder();
        // Flags given explicitly override the file for every replica.
        if (pr.hasMatchedOption("--time-scale")) {
          b.timeScale(timeScale);
        }
        if (pr.hasMatchedOption("--metrics-version")) {
          b.metricsVersion(MetricsVersion.parse(metricsVersion));
        }
        if (pr.hasMatchedOption("--host")) {
          b.host(host);
        }
        if (enablePrefixCaching != null) {
          b.enablePrefixCaching(enablePrefixCaching);
        }
        if (enablePromptTokensDetails) {
          b.enablePromptTokensDetails(true);
        }
        if (requestLog != null) {
          throw new IllegalArgumentException("--request-log names one replica's file; in a fleet file give each "
              + "replica its own request-log");
        }
        out.add(b.build());
      }
      return out;
    }
    if (model == null) {
      throw new IllegalArgumentException("--model NAME (one replica) or --fleet FILE is "
          + "required; see --help");
    }
    ReplicaOptions.Builder b = ReplicaOptions.builder(model).id(id != null ? id : "replica-" + port).host(host)
        .port(port).gpuIndex(gpuIndex).timeScale(timeScale).metricsVersion(MetricsVersion.parse(metricsVersion)).seed(seed)
        .errorRate(errorRate).stallAfter(stallAfter).slowdown(slowdown)
        .startupDelay(Durations.parse(startupDelay)).keepAliveTimeout(Durations.parse(keepAliveTimeout))
        .requestLog(requestLog).enablePrefixCaching(enablePrefixCaching)
        .enablePromptTokensDetails(enablePromptTokensDetails);
    if (profile != null) {
      Profile p = Profiles.byId(profile).orElseThrow(() -> new IllegalArgumentException(
          "unknown profile '" + profile + "' (known: " + String.join(", ", Profiles.ids()) + ")"));
      b.profile(p);
    }
    if (maxNumSeqs != null) {
      b.maxNumSeqs(maxNumSeqs);
    }
    if (maxNumBatchedTokens != null) {
      b.maxNumBatchedTokens(maxNumBatchedTokens);
    }
    return List.of(b.build());
  }
}
