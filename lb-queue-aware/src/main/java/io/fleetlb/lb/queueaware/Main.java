package io.fleetlb.lb.queueaware;

import io.fleetlb.lb.Router;
import io.fleetlb.lb.cli.RouterCommand;
import io.fleetlb.lb.config.ConfigLoader;
import io.fleetlb.lb.config.RouterConfig;
import picocli.CommandLine.Command;

/**
 * {@code java -jar lb-queue-aware.jar --config FILE}: the managed router, lb-core with
 * {@link QueueAware}'s scraper and least-loaded policy; the {@code scrape:} and {@code policy:}
 * sections of the configuration are validated and used.
 */
@Command(name = "lb-queue-aware",
    description = "Queue-aware router for OpenAI-compatible vLLM replicas: routes each request "
        + "to the least-loaded replica of its model by vLLM's /metrics and the router's own "
        + "counts. See docs/router.md.")
public final class Main extends RouterCommand {
  @Override
  protected ConfigLoader configLoader() {
    return QueueAware.configLoader();
  }

  @Override
  protected void configure(Router.Builder builder, RouterConfig config) {
    QueueAware.install(builder, config);
  }

  /** Runs the router until SIGTERM/SIGINT, then drains and exits 0. */
  public static void main(String[] args) {
    System.exit(RouterCommand.run(new Main(), args));
  }
}
