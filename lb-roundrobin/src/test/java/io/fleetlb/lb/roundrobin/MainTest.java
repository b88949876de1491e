package io.fleetlb.lb.roundrobin;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetlb.lb.cli.RouterCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line: every failure is one clear line and a distinct exit status. */
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
  void theShippedFleetConfigIsValid() {
    assertThat(run("--config", "fleet-6.yaml", "--check-config")).isZero();
    assertThat(out.toString()).startsWith("fleet-6.yaml: OK (6 replicas, 3 models)\nignoring scrape: (1 key)");
  }

  @Test
  void checkConfigTellsWhetherTheTransportNamedLoadsHere(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("r.yaml");
    Files.writeString(f, "listen: { transport: io_uring }\n"
        + "replicas:\n  - { id: a, url: \"http://h:1\", model: m }\n");
    io.vertx.core.transport.Transport uring = io.vertx.core.transport.Transport.IO_URING;
    if (uring != null && uring.available()) {
      assertThat(run("--config", f.toString(), "--check-config")).isZero();
      assertThat(out.toString()).startsWith(f + ": OK (1 replica, 1 model)");
    } else {
      assertThat(run("--config", f.toString(), "--check-config")).isEqualTo(2);
      assertThat(err.toString()).startsWith("error: " + f
          + ": listen.transport: io_uring is not available");
    }
  }

  @Test
  void aBadConfigIsOneLineNamingFileFieldAndValue(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("r.yaml");
    Files.writeString(f, "replicas:\n  - { id: a, url: \"http://h:1\", model: m }\n"
        + "retry: { max_retries: many }\n");
    assertThat(run("--config", f.toString())).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("error: " + f
        + ": retry.max_retries: expected a whole number (got \"many\")\n");
  }

  @Test
  void flagsAreValidated(@TempDir Path dir) throws Exception {
    assertThat(run("--config", "fleet-6.yaml", "--listen-port", "70000")).isEqualTo(2);
    assertThat(err.toString()).isEqualTo(
        "error: command line: --listen-port: must be between 0 and 65535 (got 70000)\n");
    err.getBuffer().setLength(0);
    assertThat(run("--config", "fleet-6.yaml", "--drain-timeout", "soon")).isEqualTo(2);
    assertThat(err.toString()).startsWith("error: command line: --drain-timeout: \"soon\" is not"
        + " a duration");
    err.getBuffer().setLength(0);
    assertThat(run("--config", "fleet-6.yaml", "--listen-port", "x")).isEqualTo(2);
    assertThat(err.toString()).contains("Invalid value for option '--listen-port'")
        .contains("Try 'lb-roundrobin --help'");
    err.getBuffer().setLength(0);
    assertThat(run()).isEqualTo(2);
    assertThat(err.toString()).startsWith("error: Missing required option: '--config=FILE'");
  }

  @Test
  void aMistypedOptionIsNamedNotTheOptionItHid() {
    assertThat(run("--confg", "x")).isEqualTo(2);
    assertThat(err.toString()).startsWith("error: Unknown options: '--confg', 'x'")
        .contains("Possible solutions: --config").doesNotContain("Missing required option");
  }

  @Test
  void oneReplicaIsOneReplicaAndTheSectionsItIgnoresAreNamed(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("r.yaml");
    Files.writeString(f, "replicas:\n  - { id: a, url: \"http://h:1\", model: m }\n"
        + "policy: { load_wieght: 2 }\nscrape: { interval: 250ms, timeout: 200ms }\n");
    assertThat(run("--config", f.toString(), "--check-config")).isZero();
    assertThat(out.toString()).isEqualTo(f + ": OK (1 replica, 1 model)\nignoring policy: (1 key) and scrape: (2 keys), "
        + "which only lb-queue-aware reads; check them with: java -jar lb-queue-aware/target/lb-queue-aware.jar "
        + "--config " + f + " --check-config\n");
  }

  @Test
  void aPortInUseIsReportedWithoutAStackTrace(@TempDir Path dir) throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      Path f = dir.resolve("r.yaml");
      Files.writeString(f, "listen: { host: 127.0.0.1, port: " + taken.getLocalPort() + " }\n"
          + "admin: { port: 0 }\nhealth_check: { enabled: false }\n"
          + "replicas:\n  - { id: a, url: \"http://127.0.0.1:1\", model: m }\n");
      assertThat(run("--config", f.toString(), "--no-access-log")).isEqualTo(1);
      assertThat(err.toString()).isEqualTo("error: cannot open the listener on 127.0.0.1:"
          + taken.getLocalPort() + ": address already in use\n");
    }
  }
}
