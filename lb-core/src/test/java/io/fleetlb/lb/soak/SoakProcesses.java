package io.fleetlb.lb.soak;

import io.fleetlb.lb.soak.SoakTopology.RouterSpec;
import io.fleetlb.lb.soak.SoakTopology.Sim;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The soak's child processes: six vllm-sim replicas and two routers, one process each. Every
 * child's pid is written to {@code pids/NAME.pid} as soon as it starts (and removed once it has
 * exited), so the wrapper script can stop whatever is left if this JVM dies; a shutdown hook
 * stops them too. Faults are real signals: SIGKILL, SIGSTOP and SIGCONT.
 */
final class SoakProcesses implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2)).build();
  static final List<String> SIM_JVM = List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC");
  static final List<String> ROUTER_JVM = List.of("-Xms256m", "-Xmx512m");

  private final Path bin;
  private final Path logs;
  private final Path pids;
  private final Map<String, Process> children = new LinkedHashMap<>();
  private final Thread hook = new Thread(this::killAll, "soak-children");

  SoakProcesses(Path bin, Path out) throws IOException {
    this.bin = bin;
    this.logs = Files.createDirectories(out.resolve("logs"));
    this.pids = Files.createDirectories(out.resolve("pids"));
    Files.createDirectories(out.resolve("sim"));
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Starts a replica (appending to its log and request log) and waits for its /health. */
  synchronized Process startSim(Sim s, Path requestLog) throws IOException {
    List<String> cmd = java(SIM_JVM);
    cmd.addAll(List.of("-jar", bin.resolve("vllm-sim.jar").toString(), "--model", s.model(),
        "--profile", s.profile(), "--id", s.id(), "--host", "127.0.0.1",
        "--port", Integer.toString(s.port()), "--seed", Long.toString(s.seed()),
        "--request-log", requestLog.toString()));
    return start("sim-" + s.id(), cmd);
  }

  /** Starts a router with its configuration. */
  synchronized Process startRouter(RouterSpec r, Path config) throws IOException {
    List<String> cmd = java(ROUTER_JVM);
    cmd.addAll(List.of("-jar", bin.resolve(r.name() + ".jar").toString(), "--config",
        config.toString()));
    return start(r.name(), cmd);
  }

  private static List<String> java(List<String> flags) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(flags);
    return cmd;
  }

  private Process start(String name, List<String> cmd) throws IOException {
    Process p = new ProcessBuilder(cmd)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve(name + ".log").toFile()))
        .redirectErrorStream(true).start();
    Files.writeString(pids.resolve(name + ".pid"), p.pid() + "\n");
    children.put(name, p);
    return p;
  }

  synchronized Process process(String name) {
    return children.get(name);
  }

  /** Waits until {@code url} answers 200, failing early if the process exits. */
  static void awaitHealthy(String url, Process owner, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!owner.isAlive()) {
        throw new IllegalStateException(url + ": its process exited with " + owner.exitValue());
      }
      if (status(url) == 200) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(url + " did not answer 200 within " + timeout.toSeconds()
        + "s");
  }

  /** The status of a GET, or -1 when nothing answered. */
  static int status(String url) throws InterruptedException {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2))
          .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    }
  }

  /** The body of a GET ({@code ""} when nothing answered). */
  static String body(String url) throws InterruptedException {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
          .build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      return "";
    }
  }

  /** POSTs JSON and returns the answer's status (-1 when nothing answered). */
  static int post(String url, String json) throws InterruptedException {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
          .header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(json)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    }
  }

  /** SIGKILL, then waits for the process to be gone. */
  synchronized void kill(String name) throws InterruptedException {
    Process p = children.get(name);
    p.destroyForcibly();
    p.waitFor(10, TimeUnit.SECONDS);
    forget(name, p);
  }

  /** Sends SIGSTOP or SIGCONT. */
  synchronized void signal(String name, String signal) throws IOException, InterruptedException {
    Process k = new ProcessBuilder("kill", "-" + signal, Long.toString(children.get(name).pid()))
        .inheritIO().start();
    if (!k.waitFor(5, TimeUnit.SECONDS) || k.exitValue() != 0) {
      throw new IOException("kill -" + signal + " " + name + " failed");
    }
  }

  /** Resident set size (bytes) and open file descriptors of a child, from /proc. */
  static long[] rssAndFds(long pid) throws IOException {
    long rss = -1;
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        rss = Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
      }
    }
    long fds;
    try (Stream<Path> s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
      fds = s.count();
    }
    return new long[] {rss, fds};
  }

  /**
   * Stops everything: replicas are woken (SIGCONT) so they can exit, routers get SIGTERM and
   * drain; whatever has not exited after its grace period is killed. Returns the routers' exit
   * statuses by name.
   */
  synchronized Map<String, Integer> stopAll() throws InterruptedException {
    Map<String, Integer> exits = new LinkedHashMap<>();
    for (Map.Entry<String, Process> e : List.copyOf(children.entrySet())) {
      Process p = e.getValue();
      if (e.getKey().startsWith("sim-") && p.isAlive()) {
        try {
          signal(e.getKey(), "CONT");
        } catch (IOException ignored) {
          // it exits by SIGKILL below if it cannot be woken
        }
      }
      p.destroy();
    }
    for (Map.Entry<String, Process> e : List.copyOf(children.entrySet())) {
      Process p = e.getValue();
      if (!p.waitFor(e.getKey().startsWith("sim-") ? 10 : 40, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
      if (!e.getKey().startsWith("sim-")) {
        exits.put(e.getKey(), p.isAlive() ? -1 : p.exitValue());
      }
      forget(e.getKey(), p);
    }
    return exits;
  }

  private void forget(String name, Process p) {
    if (!p.isAlive()) {
      children.remove(name, p);
      try {
        Files.deleteIfExists(pids.resolve(name + ".pid"));
      } catch (IOException ignored) {
        // the wrapper script checks the pid anyway
      }
    }
  }

  private void killAll() {
    for (Process p : children.values()) {
      p.destroyForcibly();
    }
  }

  @Override
  public void close() throws InterruptedException {
    stopAll();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
  }
}
