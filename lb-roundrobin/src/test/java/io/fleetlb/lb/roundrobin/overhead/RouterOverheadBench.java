package io.fleetlb.lb.roundrobin.overhead;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Router overhead, side by side in one run: a fast upstream called directly, through nginx as a
 * round-robin reverse proxy, and through three lb-roundrobin configurations ({@link Variant}: no
 * access log, as shipped, with API keys and admission control). Measures open-loop latency at a
 * fixed rate, closed-loop maximum throughput and p99 at saturation (wrk), many concurrent SSE
 * streams through the shipped configuration with its heap and RSS, and client-disconnect
 * propagation. Run it with {@code lb-roundrobin/measure/router-overhead.sh}; it prints a Markdown
 * report.
 */
public final class RouterOverheadBench {
  static final String BODY = "{\"model\":\"bench\",\"messages\":[{\"role\":\"user\","
      + "\"content\":\"Say hello\"}],\"max_tokens\":16}";
  static final String ANSWER = "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\","
      + "\"created\":1,\"model\":\"bench\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
      + "\"assistant\",\"content\":\"Hello! How can I help you today?\"},\"finish_reason\":"
      + "\"stop\"}],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":9,\"total_tokens\":21}}";

  private RouterOverheadBench() {}

  /** {@code RouterOverheadBench JAR OUT_DIR [RATE] [SECONDS] [STREAMS] [PHASES]}. */
  public static void main(String[] args) throws Exception {
    Path jar = Path.of(args[0]);
    Path out = Path.of(args[1]);
    int rate = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
    int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 10;
    int streams = args.length > 4 ? Integer.parseInt(args[4]) : 10_000;
    String phases = args.length > 5 ? args[5] : "latency,throughput,streams";
    Files.createDirectories(out);
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("started", Instant.now().toString());
    report.put("cpus", Runtime.getRuntime().availableProcessors());
    report.put("loadavg_before", Files.readString(Path.of("/proc/loadavg")).trim());
    // the epoll transport: its loop timers pace the open-loop client to the microsecond
    Vertx vertx =
        Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setPreferNativeTransport(true));
    report.put("generator_native_transport", vertx.isNativeTransportEnabled());
    report.put("generator_jvm_flags", String.join(" ",
        java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()));
    try (BenchProcesses procs = new BenchProcesses(out)) {
      int up1 = BenchProcesses.freePort();
      int up2 = BenchProcesses.freePort();
      int nginxPort = BenchProcesses.freePort();
      SseUpstream sse = new SseUpstream(vertx, 25, 1000);
      int ssePort = sse.start();
      Process nginx = procs.nginx(up1, up2, nginxPort, ANSWER);
      String routerJvm = System.getenv().getOrDefault("ROUTER_JVM", "").trim();
      List<String> jvm = routerJvm.isEmpty()
          ? List.of("-Xms256m", "-Xmx1g", "-XX:+UseG1GC")
          : List.of(routerJvm.split("\\s+"));
      report.put("router_jvm_flags", String.join(" ", jvm));
      String transport = System.getenv().getOrDefault("ROUTER_TRANSPORT", "auto").trim();
      report.put("router_transport", transport);
      Map<String, Target> targets = new LinkedHashMap<>();
      targets.put("direct", new Target(up1, null, null));
      targets.put("nginx", new Target(nginxPort, null, null));
      Map<String, Process> routers = new LinkedHashMap<>();
      Target main = null;
      for (Variant v : Variant.values()) {
        Target t = startRouter(procs, jar, out, v, up1, up2, ssePort, jvm, transport);
        targets.put(v.label, t);
        routers.put(v.label, t.process);
        if (v == Variant.DEFAULT) {
          main = t;
        }
      }
      report.put("router_variants", Variant.describe());
      BenchProcesses.awaitPort(up1, nginx, "nginx");
      BenchProcesses.awaitPort(nginxPort, nginx, "nginx");
      for (Target t : targets.values()) {
        if (t.process != null) {
          BenchProcesses.awaitPort(t.port, t.process, "router");
        }
      }
      if (phases.contains("latency")) {
        latency(vertx, targets, rate, seconds, report);
      }
      if (phases.contains("throughput")) {
        throughput(procs, targets, report);
      }
      if (phases.contains("streams")) {
        streams(vertx, sse, main.port, main.adminPort, main.process.pid(), streams, report);
      }
      report.put("loadavg_after", Files.readString(Path.of("/proc/loadavg")).trim());
      Map<String, Object> exits = new LinkedHashMap<>();
      Map<String, Object> pauses = new LinkedHashMap<>();
      for (Variant v : Variant.values()) {
        exits.put(v.label, BenchProcesses.stop(routers.get(v.label), 40));
        pauses.put(v.label, gcPauses(out.resolve("router-" + v.slug + "-gc.log")));
      }
      report.put("router_exit_status_after_sigterm", exits);
      report.put("router_gc_pauses", pauses);
      BenchProcesses.stop(nginx, 10);
      sse.close();
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
    String md = Report.markdown(report);
    Files.writeString(out.resolve("report.md"), md);
    Files.writeString(out.resolve("report.json"), Report.json(report));
    System.out.println(md);
  }

  /** One thing measured: its port, the key its clients send (or null), its process if a router. */
  record Target(int port, String authorization, Process process, int adminPort) {
    Target(int port, String authorization, Process process) {
      this(port, authorization, process, -1);
    }
  }

  /** Writes a variant's configuration and starts its router (not waiting for its port). */
  private static Target startRouter(BenchProcesses procs, Path jar, Path out, Variant v, int up1,
      int up2, int ssePort, List<String> jvm, String transport) throws IOException {
    int port = BenchProcesses.freePort();
    int admin = BenchProcesses.freePort();
    Path config = out.resolve("router-" + v.slug + ".yaml");
    Files.writeString(config, """
        listen: { host: 127.0.0.1, port: %d, event_loops: 2, h2c: true, transport: %s }
        admin: { host: 127.0.0.1, port: %d }
        replicas:
          - { id: fast-1, url: "http://127.0.0.1:%d", model: bench }
          - { id: fast-2, url: "http://127.0.0.1:%d", model: bench }
          - { id: sse-1, url: "http://127.0.0.1:%d", model: bench-sse, max_in_flight: 20000 }
        upstream: { max_connections_per_replica: 12000, max_wait_queue: 1024 }
        access_log: { enabled: %s, path: "%s" }
        """.formatted(port, transport, admin, up1, up2, ssePort, v.accessLog,
            out.resolve("router-" + v.slug + "-access.log")) + v.extraYaml);
    List<String> flags = new java.util.ArrayList<>(jvm);
    flags.add("-Xlog:gc:file=" + out.resolve("router-" + v.slug + "-gc.log"));
    Process p = procs.router(jar, config, flags, v.slug);
    return new Target(port, v.authorization(), p, admin);
  }

  private static void latency(Vertx vertx, Map<String, Target> targets, int rate, int seconds,
      Map<String, Object> report) throws Exception {
    OpenLoopClient client = new OpenLoopClient(vertx, BODY);
    Map<String, Histogram> merged = new LinkedHashMap<>();
    Map<String, long[]> counts = new LinkedHashMap<>();
    for (Map.Entry<String, Target> t : targets.entrySet()) {
      log("warm-up " + t.getKey());
      client.run(t.getValue().port(), t.getValue().authorization(), "/v1/chat/completions", rate,
          Duration.ofSeconds(5));
      merged.put(t.getKey(), new Histogram(60_000_000L, 3));
      counts.put(t.getKey(), new long[4]); // ok, failed, max lag; failed in the lead-ins
    }
    // Two interleaved rounds, so a burst of load from elsewhere does not hit only one target. Each
    // target sits idle for tens of seconds between its rounds, longer than the router's upstream
    // keep-alive (4 s), so each round starts with a one-second lead-in at the same rate that is
    // reported apart ("after idle"): a router that has closed its idle upstream connections opens
    // new ones and runs its connect path, which its JIT has not compiled for, at full rate
    // (docs/benchmarks.md, "A burst after an idle spell"); the measured 10 s that follow are the
    // steady state.
    Map<String, Histogram> afterIdle = new LinkedHashMap<>();
    targets.keySet().forEach(k -> afterIdle.put(k, new Histogram(60_000_000L, 3)));
    for (int round = 0; round < 2; round++) {
      for (Map.Entry<String, Target> t : targets.entrySet()) {
        log("open loop " + rate + " req/s, 1 s lead-in + " + seconds + " s: " + t.getKey());
        OpenLoopClient.Result lead = client.run(t.getValue().port(),
            t.getValue().authorization(), "/v1/chat/completions", rate, Duration.ofSeconds(1));
        afterIdle.get(t.getKey()).add(lead.latencyMicros());
        OpenLoopClient.Result r = client.run(t.getValue().port(), t.getValue().authorization(),
            "/v1/chat/completions", rate, Duration.ofSeconds(seconds));
        merged.get(t.getKey()).add(r.latencyMicros());
        log("  lead-in: p99 " + lead.latencyMicros().getValueAtPercentile(99) / 1000 + " ms, max "
            + lead.latencyMicros().getMaxValue() / 1000 + " ms; measured run started "
            + Instant.ofEpochMilli(r.startEpochMillis()) + ", worst latency per second, ms: "
            + r.timeline());
        if (!lead.failures().isEmpty() || !r.failures().isEmpty()) {
          log("  failed: lead-in " + lead.failures() + ", measured run " + r.failures());
        }
        long[] c = counts.get(t.getKey());
        c[0] += r.ok();
        c[1] += r.failed();
        c[3] += lead.failed();
        c[2] = Math.max(c[2], r.maxLagMicros());
      }
    }
    client.close();
    Map<String, Object> lat = new LinkedHashMap<>();
    for (String name : targets.keySet()) {
      Histogram h = merged.get(name);
      long[] c = counts.get(name);
      lat.put(name, Map.of("p50_us", h.getValueAtPercentile(50), "p99_us",
          h.getValueAtPercentile(99), "p999_us", h.getValueAtPercentile(99.9), "max_us",
          h.getMaxValue(), "ok", c[0], "failed", c[1], "max_schedule_lag_us", c[2],
          "after_idle_p99_us", afterIdle.get(name).getValueAtPercentile(99),
          "after_idle_max_us", afterIdle.get(name).getMaxValue(), "after_idle_failed", c[3]));
    }
    report.put("rate", rate);
    report.put("latency", lat);
  }

  private static void throughput(BenchProcesses procs, Map<String, Target> targets,
      Map<String, Object> report) throws Exception {
    Map<String, BenchProcesses.Wrk> best = new LinkedHashMap<>();
    for (Map.Entry<String, Target> t : targets.entrySet()) {
      log("wrk warm-up 5 s: " + t.getKey());
      procs.wrk("http://127.0.0.1:" + t.getValue().port() + "/v1/chat/completions", BODY,
          t.getValue().authorization(), 2, 64, 5);
    }
    // Interleaved rounds, best per target: outside load lowers a round, never raises it.
    for (int round = 0; round < 2; round++) {
      for (Map.Entry<String, Target> t : targets.entrySet()) {
        log("wrk -t2 -c64 -d8s: " + t.getKey());
        BenchProcesses.Wrk w = procs.wrk("http://127.0.0.1:" + t.getValue().port()
            + "/v1/chat/completions", BODY, t.getValue().authorization(), 2, 64, 8);
        best.merge(t.getKey(), w, (a, b) -> a.rps() >= b.rps() ? a : b);
      }
    }
    Map<String, Object> rows = new LinkedHashMap<>();
    best.forEach((k, w) -> rows.put(k, Map.of("rps", w.rps(), "p50_us", w.p50Micros(),
        "p99_us", w.p99Micros())));
    report.put("throughput", rows);
  }

  private static void streams(Vertx vertx, SseUpstream sse, int routerPort, int adminPort,
      long routerPid, int count, Map<String, Object> report) throws Exception {
    StreamsLoad load = new StreamsLoad(vertx);
    Map<String, Object> s = new LinkedHashMap<>();
    log(count + " concurrent SSE streams over HTTP/2 cleartext");
    long[] mem = new long[3];
    StreamsLoad.Streams r = load.concurrent(routerPort, count, 100, 2000, sse, () -> {
      try {
        mem[0] = BenchProcesses.rssBytes(routerPid);
        mem[1] = heapUsed(adminPort);
        BenchProcesses.gc(routerPid);
        mem[2] = heapUsed(adminPort);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    s.put("requested", r.requested());
    s.put("completed", r.completed());
    s.put("failed", r.failed());
    s.put("peak_open_at_upstream", r.peakOpenUpstream());
    s.put("all_open_after_ms", r.openedMillis());
    s.put("router_rss_bytes", mem[0]);
    s.put("router_heap_used_bytes", mem[1]);
    s.put("router_heap_live_after_gc_bytes", mem[2]);
    report.put("streams", s);
    log("client disconnect propagation, 200 streams");
    Histogram cancel = load.cancelLatency(routerPort, 200, sse);
    report.put("cancel_to_upstream_reset_us", Map.of("p50", cancel.getValueAtPercentile(50),
        "p99", cancel.getValueAtPercentile(99), "max", cancel.getMaxValue(),
        "count", cancel.getTotalCount()));
  }

  /** Sum of {@code jvm_memory_used_bytes{area="heap"}} from the router's admin listener. */
  private static long heapUsed(int adminPort) throws IOException, InterruptedException {
    String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + adminPort + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    double sum = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith("jvm_memory_used_bytes{area=\"heap\"")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return (long) sum;
  }

  /** Count, total and longest stop-the-world pause in a {@code -Xlog:gc} file. */
  static Map<String, Object> gcPauses(Path log) throws IOException {
    java.util.regex.Pattern p = java.util.regex.Pattern.compile("Pause.* ([0-9.]+)ms$");
    long count = 0;
    double total = 0;
    double max = 0;
    for (String line : Files.readAllLines(log)) {
      java.util.regex.Matcher m = p.matcher(line);
      if (m.find()) {
        double ms = Double.parseDouble(m.group(1));
        count++;
        total += ms;
        max = Math.max(max, ms);
      }
    }
    return Map.of("count", count, "total_ms", Math.round(total), "max_ms", Math.round(max));
  }

  static void log(String s) {
    System.err.printf(Locale.ROOT, "[%s] %s%n", Instant.now(), s);
  }
}
