package io.fleetlb.lb.roundrobin;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetlb.lb.Router;
import io.fleetlb.lb.cli.RouterCommand;
import io.fleetlb.lb.config.ConfigLoader;
import io.fleetlb.lb.config.RouterConfig;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  @Override
  protected void configure(Router.Builder builder, RouterConfig config) {
    String ignored = configNote(config);
    if (ignored != null) {
      LOG.info(ignored);
    }
    builder.policy(RoundRobinPolicy.create());
  }

  /**
   * Says which sections of a file shared with lb-queue-aware this router does not read, so that a
   * typo in them is not mistaken for a checked setting; null when there are none.
   */
  @Override
  protected String configNote(RouterConfig config) {
    List<String> names = new ArrayList<>();
    for (String name : ConfigLoader.RESERVED_SECTIONS.stream().sorted().toList()) {
      config.section(name, JsonNode.class).ifPresent(n -> names.add(name + ": (" + n.size() + " key"
          + (n.size() == 1 ? "" : "s") + ")"));
    }
    return names.isEmpty() ? null : "ignoring " + String.join(" and ", names) + ", which only lb-queue-aware reads; "
        + "check them with: java -jar lb-queue-aware/target/lb-queue-aware.jar --config " + config.source()
        + " --check-config";
  }

  /** Runs the router until SIGTERM/SIGINT, then drains and exits 0. */
  public static void main(String[] args) {
    System.exit(RouterCommand.run(new Main(), args));
  }
}
