package io.fleetlb.lb.cli;

import io.fleetlb.lb.Router;
import io.fleetlb.lb.RunningRouter;
import io.fleetlb.lb.Transports;
import io.fleetlb.lb.config.AccessLogConfig;
import io.fleetlb.lb.config.AdminConfig;
import io.fleetlb.lb.config.ConfigException;
import io.fleetlb.lb.config.ConfigLoader;
import io.fleetlb.lb.config.DrainConfig;
import io.fleetlb.lb.config.Durations;
import io.fleetlb.lb.config.RouterConfig;
import io.fleetlb.lb.tls.ServerCertificate;
import io.fleetlb.lb.config.Validation;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The command line both routers share: {@code --config FILE} plus flags that override the file,
 * start-up, and a graceful drain on SIGTERM/SIGINT that ends with exit status 0. A router's
 * {@code main} subclasses it, supplies the policy in {@link #configure} and calls {@link #run}.
 */
@Command(mixinStandardHelpOptions = true, sortOptions = false,
    versionProvider = RouterCommand.Version.class,
    footer = {"", "Exit status: 0 after a clean drain or --check-config, 1 when the router cannot "
        + "start, 2 for a bad command line or configuration."})
public abstract class RouterCommand implements Callable<Integer> {
  static {
    // Vert.x switches for a process that only proxies, set before Vert.x loads (an explicit -D
    // wins): no per-dispatch timing, no thread-affinity assertions, and no re-validation of
    // headers the router sets, which all come from messages Netty's decoder already validated
    // or from the router's own constants and sanitised ids.
    defaultProperty("vertx.disableContextTimings", "true");
    defaultProperty("vertx.threadChecks", "false");
    defaultProperty("vertx.disableHttpHeadersValidation", "true");
  }

  private static final Logger LOG = LoggerFactory.getLogger(RouterCommand.class);

  private static void defaultProperty(String name, String value) {
    if (System.getProperty(name) == null) {
      System.setProperty(name, value);
    }
  }

  @Option(names = "--config", required = true, paramLabel = "FILE",
      description = "Router configuration (YAML), see docs/router.md.")
  Path config;

  @Option(names = "--listen-host", paramLabel = "HOST",
      description = "Overrides listen.host (public OpenAI API).")
  String listenHost;

  @Option(names = "--listen-port", paramLabel = "PORT",
      description = "Overrides listen.port; 0 picks a free port.")
  Integer listenPort;

  @Option(names = "--admin-host", paramLabel = "HOST",
      description = "Overrides admin.host (/metrics, /health, /replicas).")
  String adminHost;

  @Option(names = "--admin-port", paramLabel = "PORT", description = "Overrides admin.port.")
  Integer adminPort;

  @Option(names = "--event-loops", paramLabel = "N",
      description = "Overrides listen.event_loops (0 = one per CPU core).")
  Integer eventLoops;

  @Option(names = "--drain-timeout", paramLabel = "DURATION",
      description = "Overrides drain.timeout, e.g. 30s.")
  String drainTimeout;

  @Option(names = "--access-log", negatable = true, paramLabel = "BOOLEAN",
      description = "Overrides access_log.enabled (--no-access-log turns it off).")
  Boolean accessLog;

  @Option(names = "--access-log-file", paramLabel = "FILE",
      description = "Overrides access_log.path (- for standard output).")
  String accessLogFile;

  @Option(names = "--check-config",
      description = "Validate the configuration, print a summary and exit.")
  boolean checkConfig;

  @Spec
  CommandLine.Model.CommandSpec spec;

  /** The loader for this router's configuration (override to register sections). */
  protected ConfigLoader configLoader() {
    return ConfigLoader.create();
  }

  /** A note on the configuration for --check-config and the start-up log (none by default). */
  protected String configNote(RouterConfig config) {
    return null;
  }

  /** Sets the policy (and any extensions) on the builder. */
  protected abstract void configure(Router.Builder builder, RouterConfig config);

  /** Runs a router command line and returns the exit status. */
  public static int run(RouterCommand command, String... args) {
    return commandLine(command).execute(args);
  }

  /** The picocli command line for a router, with one-line usage errors. */
  public static CommandLine commandLine(RouterCommand command) {
    CommandLine cli = new CommandLine(command);
    cli.setParameterExceptionHandler((ex, a) -> {
      PrintWriter err = ex.getCommandLine().getErr();
      List<String> unknown = ex.getCommandLine().getUnmatchedArguments();
      if (ex instanceof CommandLine.MissingParameterException && !unknown.isEmpty()) {
        // a mistyped option (--confg) is the cause of the missing one: name it, not the symptom
        ex = new CommandLine.UnmatchedArgumentException(ex.getCommandLine(), unknown);
      }
      err.println("error: " + ex.getMessage());
      if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, err)) {
        err.println("Try '" + ex.getCommandLine().getCommandName() + " --help' for usage.");
      }
      return CommandLine.ExitCode.USAGE;
    });
    return cli;
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    RouterConfig cfg;
    try {
      cfg = overrides(configLoader().load(config));
    } catch (ConfigException e) {
      for (ConfigException p : e.problems()) {
        err.println("error: " + p.getMessage());
      }
      return CommandLine.ExitCode.USAGE;
    }
    String name = spec.name();
    if (checkConfig) {
      try {
        Transports.resolve(cfg.listen().transport());
      } catch (IllegalStateException e) {
        err.println("error: " + cfg.source() + ": " + e.getMessage());
        return CommandLine.ExitCode.USAGE;
      }
      if (cfg.tls() != null) {
        try {
          ServerCertificate.load(cfg.tls(), null);
        } catch (IllegalStateException e) {
          err.println("error: " + cfg.source() + ": " + e.getMessage());
          return CommandLine.ExitCode.USAGE;
        }
      }
      spec.commandLine().getOut().printf("%s: OK (%s, %s)%n", cfg.source(),
          count(cfg.replicas().size(), "replica"),
          count(cfg.replicas().stream().map(r -> r.model()).distinct().count(), "model"));
      String note = configNote(cfg);
      if (note != null) {
        spec.commandLine().getOut().println(note);
      }
      return CommandLine.ExitCode.OK;
    }
    Router.Builder builder = Router.builder(cfg).policyName(name);
    configure(builder, cfg);
    RunningRouter router;
    try {
      router = builder.start().toCompletionStage().toCompletableFuture().get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      err.println("error: " + cause.getMessage());
      return CommandLine.ExitCode.SOFTWARE;
    }
    LOG.info("{} listening on {} (admin {}/metrics); {} of {}; {} transport",
        name, router.baseUri(), router.adminUri(), count(cfg.replicas().size(), "replica"),
        count(router.pool().models().size(), "model"),
        Transports.name(router.vertx()));
    ConfigWatcher watcher = new ConfigWatcher(config, () -> overrides(configLoader()
        .load(config)), router);
    watcher.start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> drainAndExit(router, stopped),
        name + "-drain"));
    stopped.await();
    return CommandLine.ExitCode.OK;
  }

  /** "1 replica", "6 replicas". */
  static String count(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  private static void drainAndExit(RunningRouter router, CountDownLatch stopped) {
    LOG.info("shutdown signal: draining (up to {})",
        Durations.format(router.config().drain().timeout()));
    try {
      router.drain().toCompletionStage().toCompletableFuture()
          .get(router.config().drain().timeout().toMillis() + 30_000, TimeUnit.MILLISECONDS);
      LOG.info("drained; exiting");
    } catch (Exception e) {
      LOG.error("drain did not finish cleanly: {}", e.toString());
    }
    stopped.countDown();
    System.out.flush();
    System.err.flush();
    // A signal would make the JVM exit with 128+signal; a completed drain is a clean exit.
    Runtime.getRuntime().halt(0);
  }

  private RouterConfig overrides(RouterConfig c) {
    String src = "command line";
    Validation flags = Validation.root(src);
    if (listenHost != null || listenPort != null || eventLoops != null) {
      flags.check(listenPort == null || (listenPort >= 0 && listenPort <= 65535), "--listen-port",
          listenPort, "must be between 0 and 65535");
      flags.check(eventLoops == null || (eventLoops >= 0 && eventLoops <= 1024), "--event-loops",
          eventLoops, "must be between 0 and 1024");
      c = c.withListen(c.listen().with(
          listenHost != null ? listenHost : c.listen().host(),
          listenPort != null ? listenPort : c.listen().port(),
          eventLoops != null ? eventLoops : c.listen().eventLoops()));
    }
    if (adminHost != null || adminPort != null) {
      flags.check(adminPort == null || (adminPort >= 0 && adminPort <= 65535), "--admin-port",
          adminPort, "must be between 0 and 65535");
      c = c.withAdmin(new AdminConfig(adminHost != null ? adminHost : c.admin().host(),
          adminPort != null ? adminPort : c.admin().port()));
    }
    flags.check(c.listen().port() == 0 || !c.listen().port().equals(c.admin().port()),
        "--admin-port", c.admin().port(), "must differ from the listen port");
    if (drainTimeout != null) {
      Duration d;
      try {
        d = Durations.parse(drainTimeout);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(src, "--drain-timeout", e.getMessage());
      }
      c = c.withDrain(new DrainConfig(d));
    }
    if (accessLog != null || accessLogFile != null) {
      c = c.withAccessLog(new AccessLogConfig(
          accessLog != null ? accessLog : c.accessLog().enabled(),
          accessLogFile != null ? accessLogFile : c.accessLog().path()));
    }
    return c;
  }

  /** Prints the module name and version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = RouterCommand.class.getPackage().getImplementationVersion();
      return new String[] {"${COMMAND-NAME} " + (v == null ? "(development build)" : v)};
    }
  }
}
