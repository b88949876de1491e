package io.fleetlb.lb.roundrobin;

import io.fleetlb.lb.Router;
import io.fleetlb.lb.cli.RouterCommand;
import io.fleetlb.lb.config.RouterConfig;
import picocli.CommandLine.Command;

/**
 * {@code java -jar lb-roundrobin.jar --config FILE}: the baseline router, lb-core with
 * {@link RoundRobinPolicy}. It accepts the {@code scrape:} and {@code policy:} sections of a
 * configuration shared with lb-queue-aware and ignores them.
 */
@Command(name = "lb-roundrobin",
    description = "Model-aware round-robin router for OpenAI-compatible vLLM replicas (the "
        + "baseline). See docs/router.md.")
public final class Main extends RouterCommand {
  @Override
  protected void configure(Router.Builder builder, RouterConfig config) {
    builder.policy(RoundRobinPolicy.create());
  }

  /** Runs the router until SIGTERM/SIGINT, then drains and exits 0. */
  public static void main(String[] args) {
    System.exit(RouterCommand.run(new Main(), args));
  }
}
