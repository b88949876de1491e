package io.fleetlb.lb.roundrobin.overhead;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Starts, watches and stops the benchmark's child processes (nginx, the router, wrk). */
final class BenchProcesses implements AutoCloseable {
  private final Path dir;
  private final List<Process> children = new ArrayList<>();

  BenchProcesses(Path dir) {
    this.dir = dir;
    Runtime.getRuntime().addShutdownHook(new Thread(this::killAll));
  }

  /** A free loopback port (bound and released; the race is acceptable for a benchmark). */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * Starts nginx in the foreground with its own prefix: a fast upstream on two ports (the fleet of
   * two "replicas" both routers balance over) and a round-robin reverse proxy to them.
   */
  Process nginx(int up1, int up2, int proxy, String upstreamBody) throws IOException {
    String conf = """
        daemon off;
        worker_processes 2;
        pid %1$s/nginx.pid;
        error_log %1$s/nginx-error.log warn;
        events { worker_connections 16384; }
        http {
          access_log %1$s/nginx-access.log;
          client_body_temp_path %1$s/body;
          proxy_temp_path %1$s/proxy;
          fastcgi_temp_path %1$s/fastcgi;
          uwsgi_temp_path %1$s/uwsgi;
          scgi_temp_path %1$s/scgi;
          keepalive_requests 1000000;
          upstream fleet {
            server 127.0.0.1:%2$d;
            server 127.0.0.1:%3$d;
            keepalive 256;
          }
          server {
            listen 127.0.0.1:%2$d reuseport;
            listen 127.0.0.1:%3$d reuseport;
            access_log off;
            location = /health { return 200; }
            location / { default_type application/json; return 200 '%5$s'; }
          }
          server {
            listen 127.0.0.1:%4$d;
            location / {
              proxy_pass http://fleet;
              proxy_http_version 1.1;
              proxy_set_header Connection "";
              proxy_buffering off;
            }
          }
        }
        """.formatted(dir, up1, up2, proxy, upstreamBody);
    Path file = dir.resolve("nginx.conf");
    Files.writeString(file, conf);
    return start("nginx", List.of("nginx", "-p", dir.toString(), "-e",
        dir.resolve("nginx-error.log").toString(), "-c", file.toString()));
  }

  /** Starts a router jar (output in {@code router-NAME.out}); the JVM flags are reported. */
  Process router(Path jar, Path config, List<String> jvmFlags, String name) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmFlags);
    cmd.addAll(List.of("-jar", jar.toString(), "--config", config.toString()));
    return start("router-" + name, cmd);
  }

  private Process start(String name, List<String> cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectOutput(dir.resolve(name + ".out").toFile())
        .redirectError(dir.resolve(name + ".err").toFile()).start();
    children.add(p);
    return p;
  }

  /** What one wrk run measured: requests per second and latency percentiles. */
  record Wrk(double rps, long p50Micros, long p99Micros) {}

  /**
   * Runs wrk ({@code --latency}) against a URL with a JSON POST body and, when not null, an
   * {@code Authorization} header; fails on any error or non-2xx answer.
   */
  Wrk wrk(String url, String body, String authorization, int threads, int connections,
      int seconds) throws IOException, InterruptedException {
    Path script = dir.resolve("post.lua");
    Files.writeString(script, "wrk.method = \"POST\"\nwrk.body = '" + body + "'\n"
        + "wrk.headers[\"Content-Type\"] = \"application/json\"\n");
    List<String> cmd = new ArrayList<>(List.of("wrk", "--latency", "-t" + threads,
        "-c" + connections, "-d" + seconds + "s", "-s", script.toString()));
    if (authorization != null) {
      cmd.addAll(List.of("-H", "Authorization: " + authorization));
    }
    cmd.add(url);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(seconds + 30L, TimeUnit.SECONDS);
    Matcher m = Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(out);
    if (!m.find()) {
      throw new IllegalStateException("wrk failed: " + out);
    }
    if (out.contains("Non-2xx") || out.contains("Socket errors")) {
      throw new IllegalStateException("wrk saw errors against " + url + ":\n" + out);
    }
    return new Wrk(Double.parseDouble(m.group(1)), percentile(out, "50%"),
        percentile(out, "99%"));
  }

  /** A line of wrk's latency distribution ({@code "    99%    3.61ms"}) in microseconds. */
  static long percentile(String wrkOutput, String label) {
    Matcher m = Pattern.compile("^\\s+" + Pattern.quote(label) + "\\s+([0-9.]+)(us|ms|s)\\s*$",
        Pattern.MULTILINE).matcher(wrkOutput);
    if (!m.find()) {
      throw new IllegalStateException("no " + label + " latency in wrk's output: " + wrkOutput);
    }
    double v = Double.parseDouble(m.group(1));
    return Math.round(switch (m.group(2)) {
      case "us" -> v;
      case "ms" -> v * 1000;
      default -> v * 1_000_000;
    });
  }

  /** Waits until something accepts connections on the port. */
  static void awaitPort(int port, Process owner, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!owner.isAlive()) {
        throw new IllegalStateException(what + " exited with " + owner.exitValue());
      }
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException(what + " did not open port " + port);
  }

  /** Resident set size of a process in bytes, from /proc. */
  static long rssBytes(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
      }
    }
    return -1;
  }

  /** Asks a JVM for a full GC (so heap-in-use is the live set), via jcmd. */
  static void gc(long pid) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("jcmd", Long.toString(pid), "GC.run")
        .redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    p.waitFor(30, TimeUnit.SECONDS);
  }

  /** Stops a process gracefully (SIGTERM), then forcibly after the grace period. */
  static int stop(Process p, long graceSeconds) throws InterruptedException {
    p.toHandle().destroy();
    if (!p.waitFor(graceSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    return p.exitValue();
  }

  private void killAll() {
    for (Process p : children) {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
  }

  @Override
  public void close() {
    killAll();
  }
}
