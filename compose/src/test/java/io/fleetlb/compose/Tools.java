package io.fleetlb.compose;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Runs external tools (docker-compose, promtool, java) for the checks that need the real thing. */
final class Tools {
  /** Exit status and combined output of a finished command. */
  record Result(int exitCode, String output) {}

  private Tools() {}

  /** The executable on PATH, if any. */
  static Optional<Path> onPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /**
   * The tool, or the test is skipped when it is missing, unless {@code requireVar=1} in the
   * environment (CI sets it), in which case a missing tool fails the test.
   */
  static Path required(String name, String requireVar) {
    Optional<Path> tool = onPath(name);
    if (tool.isEmpty() && "1".equals(System.getenv(requireVar))) {
      throw new AssertionError(name + " is not installed but " + requireVar + "=1");
    }
    assumeTrue(tool.isPresent(), name + " not installed (set " + requireVar + "=1 to require it)");
    return tool.get();
  }

  /** Runs a command to completion (killed after the timeout) and returns its output. */
  static Result run(Duration timeout, String... command) throws IOException, InterruptedException {
    return run(timeout, null, List.of(command));
  }

  /** Runs a command in {@code dir} (null: the current directory). */
  static Result run(Duration timeout, Path dir, List<String> command)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    if (dir != null) {
      pb.directory(dir.toFile());
    }
    Path log = Files.createTempFile("tool", ".log");
    pb.redirectOutput(log.toFile());
    Process p = pb.start();
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor();
        throw new AssertionError(command + " did not finish in " + timeout + ": "
            + Files.readString(log, StandardCharsets.UTF_8));
      }
      return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
