package io.fleetlb.sim;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code promtool check metrics} (Debian package prometheus). Tests using it are skipped where
 * promtool is missing, unless {@code REQUIRE_PROMTOOL=1} (set by CI), which turns that into a
 * failure.
 */
final class Promtool {

  private Promtool() {}

  /** The lint lines promtool prints for this exposition (empty when it is clean). */
  static List<String> checkMetrics(String exposition) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
    } catch (IOException e) {
      if ("1".equals(System.getenv("REQUIRE_PROMTOOL"))) {
        throw new AssertionError(
            "promtool is required (REQUIRE_PROMTOOL=1) but cannot run: " + e.getMessage());
      }
      assumeTrue(false, "promtool not installed (apt-get install prometheus)");
      throw e;
    }
    p.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("promtool did not finish");
    }
    if (out.contains("error while linting")) {
      throw new AssertionError("promtool could not parse the exposition: " + out);
    }
    return Arrays.stream(out.split("\n")).map(String::trim).filter(l -> !l.isEmpty()).toList();
  }
}
