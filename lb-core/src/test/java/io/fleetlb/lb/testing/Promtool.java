package io.fleetlb.lb.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * {@code promtool check metrics} (Debian package prometheus) on a router's exposition. Where
 * promtool is missing the calling test is skipped, unless {@code REQUIRE_PROMTOOL=1} (set by CI),
 * which makes that a failure.
 */
public final class Promtool {
  private Promtool() {}

  /** Asserts that promtool parses {@code exposition} and reports nothing about it. */
  public static void assertClean(String exposition, Path dir) throws Exception {
    Path file = dir.resolve("metrics.txt");
    Files.writeString(file, exposition);
    String promtool = find();
    if (promtool == null) {
      if ("1".equals(System.getenv("REQUIRE_PROMTOOL"))) {
        fail("promtool is not installed but REQUIRE_PROMTOOL=1");
      }
      Assumptions.abort("promtool is not installed (set REQUIRE_PROMTOOL=1 to fail instead)");
    }
    Process p = new ProcessBuilder(promtool, "check", "metrics").redirectErrorStream(true)
        .redirectInput(file.toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(out).as("promtool output").isEmpty();
    assertThat(p.exitValue()).isZero();
  }

  private static String find() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      File f = new File(dir, "promtool");
      if (f.canExecute()) {
        return f.getPath();
      }
    }
    return null;
  }
}
