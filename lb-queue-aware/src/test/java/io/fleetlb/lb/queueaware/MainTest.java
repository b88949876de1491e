package io.fleetlb.lb.queueaware;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetlb.lb.cli.RouterCommand;
import io.fleetlb.lb.config.RouterConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line: the shipped configurations, and one clear line for each mistake. */
class MainTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = RouterCommand.commandLine(new Main());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void theShippedFleetConfigIsValidAndSitsBesideRoundRobin() {
    assertThat(run("--config", "fleet-6.yaml", "--check-config")).isZero();
    assertThat(out.toString()).isEqualTo("fleet-6.yaml: OK (6 replicas, 3 models)\n");
    RouterConfig c = QueueAware.configLoader().load(Path.of("fleet-6.yaml"));
    assertThat(c.listen().port()).isEqualTo(8081);
    assertThat(c.admin().port()).isEqualTo(9091);
    RouterConfig rr = QueueAware.configLoader().load(Path.of("../lb-roundrobin/fleet-6.yaml"));
    assertThat(c.replicas()).isEqualTo(rr.replicas());
    assertThat(QueueAware.scrape(c)).as("the file spells out the defaults")
        .isEqualTo(QueueAware.scrape(QueueAware.configLoader().parse(
            "replicas: [{ id: a, url: \"http://h:1\", model: m }]", "x")));
    assertThat(QueueAware.policy(c)).isEqualTo(io.fleetlb.lb.queueaware.config.PolicyConfig
        .DEFAULT);
  }

  @Test
  void theRoundRobinConfigIsAcceptedToo() {
    assertThat(run("--config", "../lb-roundrobin/fleet-6.yaml", "--check-config")).isZero();
  }

  @Test
  void aBadScrapeValueIsOneLineAndExitStatus2(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("r.yaml");
    Files.writeString(f, "replicas:\n  - { id: a, url: \"http://h:1\", model: m }\n"
        + "scrape: { interval: 1x }\n");
    assertThat(run("--config", f.toString())).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("error: " + f + ": scrape.interval: \"1x\" is not a "
        + "duration (use a number and a unit: 250ms, 5s, 2m, 1h)\n");
  }

  @Test
  void helpNamesTheRouter() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).startsWith("Usage: lb-queue-aware ").contains("--config=FILE")
        .contains("least-loaded replica");
  }
}
