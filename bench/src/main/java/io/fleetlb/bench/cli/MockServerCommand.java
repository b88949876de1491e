package io.fleetlb.bench.cli;

import io.fleetlb.bench.BenchVertx;
import io.fleetlb.bench.mock.MockConfig;
import io.fleetlb.bench.mock.MockUpstream;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench.jar mock-server}: the built-in streaming upstream as a standalone server. */
@Command(mixinStandardHelpOptions = true, versionProvider = io.fleetlb.bench.Main.Version.class,
    name = "mock-server", sortOptions = false, showDefaultValues = true, usageHelpAutoWidth = true,
        abbreviateSynopsis = true,
    description = "Serve an OpenAI-compatible streaming upstream with a fixed TTFT and "
        + "inter-token delay "
        + "(GET /v1/models, /health; POST /v1/chat/completions, /v1/completions). Runs until "
        + "stopped.")
public final class MockServerCommand implements Callable<Integer> {
  @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST",
      description = "Address to listen on.") String host;
  @Option(names = "--port", defaultValue = "8000", paramLabel = "PORT",
      description = "Port to listen on; 0 picks a free port (printed).") int port;
  @Option(names = "--ttft", converter = DurationConverter.class, defaultValue = "50ms",
      paramLabel = "DURATION",
      description = "Time to first token.") long ttftNs;
  @Option(names = "--itl", converter = DurationConverter.class, defaultValue = "10ms",
      paramLabel = "DURATION",
      description = "Gap between tokens.") long itlNs;
  @Option(names = "--model", paramLabel = "NAME",
      description = "Served model name, repeatable (default: mock).",
      showDefaultValue = CommandLine.Help.Visibility.NEVER) List<String> models = new ArrayList<>();
  @Option(names = "--output-tokens", defaultValue = "16", paramLabel = "N",
      description = "Tokens when the request sets no max_tokens.") int outputTokens;
  @Option(names = "--replica-id", paramLabel = "ID",
      description = "Value of the x-lb-replica response header (default: none).") String replicaId;
  @Option(names = "--event-loops", defaultValue = "1", paramLabel = "N",
      description = "Event loops serving requests.") int eventLoops;

  @Override
  public Integer call() throws Exception {
    MockConfig cfg = new MockConfig(host, port, ttftNs, itlNs, outputTokens,
        models.isEmpty() ? List.of("mock") : models,
        replicaId, eventLoops);
    Vertx vertx = BenchVertx.create(eventLoops);
    MockUpstream mock;
    try {
      mock = MockUpstream.start(vertx, cfg);
    } catch (Exception e) {
      vertx.close();
      Throwable c = e.getCause() != null ? e.getCause() : e;
      throw new BenchFailure("cannot listen on " + host + ":" + port + ": " + c.getMessage());
    }
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      mock.close();
      vertx.close();
      stop.countDown();
    }));
    System.out.printf(java.util.Locale.ROOT, "mock upstream listening on http://%s:%d (ttft %.3f "
        + "ms, itl %.3f ms, models %s)%n",
        host, mock.port(), ttftNs / 1e6, itlNs / 1e6, cfg.models());
    System.out.flush();
    stop.await();
    return 0;
  }
}
