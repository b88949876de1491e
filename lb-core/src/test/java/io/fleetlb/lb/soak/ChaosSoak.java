package io.fleetlb.lb.soak;

import io.fleetlb.lb.soak.FaultSchedule.Fault;
import io.fleetlb.lb.soak.SoakReport.RouterRun;
import io.fleetlb.lb.soak.SoakTopology.RouterSpec;
import io.fleetlb.lb.soak.SoakTopology.Sim;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The chaos soak (issue 10): both routers in front of one simulated fleet under steady open-loop
 * traffic while replicas are killed, frozen, stalled, made to fail and slowed, bursts overload
 * the routers' queues, clients leave and bad keys knock. It reports per router what happened to
 * every request and exits 1 when a must-be-zero check fails. A benchmark, never a unit test: run
 * it with {@code lb-core/soak/chaos-soak.sh}, which builds the jars and cleans up after it.
 *
 * <p>Arguments: {@code --bin DIR} (vllm-sim.jar, lb-roundrobin.jar, lb-queue-aware.jar),
 * {@code --out DIR}, {@code --minutes M}, {@code --quick}, {@code --rate R} (steady requests per
 * second per router), {@code --seed S}, {@code --command TEXT} (recorded in the report).
 */
public final class ChaosSoak {
  static final int WARM_UP_SECONDS = 20;
  /** The router's gauges that must be 0 once the traffic is over. */
  private static final List<String> GAUGES =
      List.of("lb_requests_in_flight", "lb_upstream_in_flight", "lb_queue_length");
  /** The load sums of admin {@code /replicas} that must be 0 then too. */
  private static final List<String> LOAD_SUMS =
      List.of("awaiting_first_byte", "pending_prompt_tokens", "in_flight_tokens");

  private final Options options;
  private final Path out;
  private final SoakReport report = new SoakReport();

  record Options(Path bin, Path out, double minutes, boolean quick, double rate, long seed,
      String command) {}

  private ChaosSoak(Options options) {
    this.options = options;
    this.out = options.out();
  }

  public static void main(String[] args) throws Exception {
    Options o;
    try {
      o = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("chaos-soak: " + e.getMessage());
      System.exit(2);
      return;
    }
    System.exit(new ChaosSoak(o).run());
  }

  private int run() throws Exception {
    double seconds = options.quick() ? 120 : options.minutes() * 60;
    List<Fault> faults;
    try {
      faults = FaultSchedule.forRun(seconds, options.quick());
    } catch (IllegalArgumentException e) {
      System.err.println("chaos-soak: " + e.getMessage());
      return 2;
    }
    List<TrafficPlan.Request> plan =
        TrafficPlan.draw(options.seed(), seconds, options.rate(), faults);
    SoakTopology topology = new SoakTopology();
    Files.createDirectories(out.resolve("config"));
    setup(seconds, plan.size());
    List<RouterRun> runs = new ArrayList<>();
    SoakProcesses processes = new SoakProcesses(options.bin(), out);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    FaultRunner faultRunner = new FaultRunner(processes, out.resolve("sim"));
    ReplicaWatch watch = new ReplicaWatch(vertx, SoakTopology.ROUTERS);
    ProcSampler sampler = null;
    List<ReplicaWatch.Transition> transitions;
    try {
      start(processes, topology);
      for (RouterSpec r : SoakTopology.ROUTERS) {
        runs.add(new RouterRun(r.name()));
      }
      sampler = new ProcSampler(processes, runs, out.resolve("proc.csv"));
      watch.start();
      Map<String, String> tokens = Map.of("team-a", topology.teamA.token(),
          "batch", topology.batch.token(), "trial", topology.trial.token(),
          "team-8b", topology.team8b.token());
      warmUp(vertx, tokens);
      for (RouterRun run : runs) {
        run.before = SoakProcesses.rssAndFds(processes.process(run.name).toHandle().pid());
      }
      long origin = ClientRecord.nowUs() + 2_000_000;
      report.originUs = origin;
      report.faults.addAll(faultRunner.play(faults, origin));
      List<SoakClient> clients = new ArrayList<>();
      List<CompletableFuture<List<ClientRecord>>> results = new ArrayList<>();
      for (RouterSpec r : SoakTopology.ROUTERS) {
        SoakClient c = new SoakClient(vertx, r, tokens);
        clients.add(c);
        results.add(c.run(plan, origin));
      }
      System.err.printf("soak: %d requests per router over %.0f s; results in %s%n", plan.size(),
          seconds, out);
      List<List<ClientRecord>> records = new ArrayList<>();
      for (CompletableFuture<List<ClientRecord>> f : results) {
        records.add(f.get((long) seconds + SoakClient.DEADLINE_MILLIS / 1000 + 120,
            TimeUnit.SECONDS));
      }
      faultRunner.stop();
      System.err.println("soak: traffic over; checking the routers' counters");
      for (int i = 0; i < runs.size(); i++) {
        RouterSpec r = SoakTopology.ROUTERS.get(i);
        RouterRun run = runs.get(i);
        run.maxLagUs = clients.get(i).maxLagUs();
        endState(r, run);
      }
      // Idle keep-alive connections (4 s on both sides) close before the last measurement.
      Thread.sleep(8000);
      sampler.stop();
      for (int i = 0; i < runs.size(); i++) {
        runs.get(i).after = SoakProcesses.rssAndFds(
            processes.process(SoakTopology.ROUTERS.get(i).name()).toHandle().pid());
      }
      transitions = watch.stop();
      Map<String, Integer> exits = processes.stopAll();
      runs.forEach(run -> run.exitStatus = exits.getOrDefault(run.name, -1));
      analyse(runs, records, transitions);
    } finally {
      if (sampler != null) {
        sampler.stop();
      }
      faultRunner.stop();
      processes.close();
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    report.routers.addAll(runs);
    report.setup.put("load average at the end (1/5/15 min)", loadAverage());
    report.judge();
    String md = report.markdown();
    Files.writeString(out.resolve("summary.md"), md);
    Files.writeString(out.resolve("summary.json"), report.json().encodePrettily());
    System.out.println(md);
    return report.passed() ? 0 : 1;
  }

  /**
   * Sends {@link #WARM_UP_SECONDS} of steady traffic (not counted) so the JVMs have compiled their
   * hot paths and filled their pools before the measured run and its first fault.
   */
  private void warmUp(Vertx vertx, Map<String, String> tokens) throws Exception {
    List<TrafficPlan.Request> plan = TrafficPlan.draw(options.seed() + 1, WARM_UP_SECONDS,
        options.rate(), List.of()).stream()
        .filter(r -> r.kind() == TrafficPlan.Kind.STEADY && r.cancelAfterTokens() < 0).toList();
    System.err.printf("soak: warming up for %d s%n", WARM_UP_SECONDS);
    long origin = ClientRecord.nowUs() + 500_000;
    List<CompletableFuture<List<ClientRecord>>> done = new ArrayList<>();
    for (RouterSpec r : SoakTopology.ROUTERS) {
      done.add(new SoakClient(vertx, new RouterSpec(r.name(), r.port(), r.adminPort(),
          "warm-" + r.prefix()), tokens).run(plan, origin));
    }
    for (CompletableFuture<List<ClientRecord>> f : done) {
      f.get(WARM_UP_SECONDS + 120, TimeUnit.SECONDS);
    }
  }

  private void setup(double seconds, int requests) {
    report.setup.put("command", options.command());
    report.setup.put("started", Instant.now().toString());
    report.setup.put("traffic", String.format("%.0f s, %s schedule, %d requests per router (steady"
        + " %.1f/s, seed %d)", seconds, options.quick() ? "quick" : "full", requests,
        options.rate(), options.seed()));
    report.setup.put("machine", Runtime.getRuntime().availableProcessors() + " cores; replicas"
        + " " + String.join(" ", SoakProcesses.SIM_JVM) + ", routers "
        + String.join(" ", SoakProcesses.ROUTER_JVM) + ", Java " + Runtime.version());
    report.setup.put("load average at the start (1/5/15 min; the machine is shared)",
        loadAverage());
    report.setup.put("admission", "max_in_flight_per_replica "
        + SoakTopology.MAX_IN_FLIGHT_PER_REPLICA + ", queue max_per_model "
        + SoakTopology.QUEUE_PER_MODEL + ", max_wait " + SoakTopology.QUEUE_MAX_WAIT);
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (java.io.IOException e) {
      return "?";
    }
  }

  private void start(SoakProcesses processes, SoakTopology topology) throws Exception {
    for (Sim s : SoakTopology.FLEET) {
      processes.startSim(s, out.resolve("sim").resolve(s.id() + ".requests.jsonl"));
    }
    for (Sim s : SoakTopology.FLEET) {
      SoakProcesses.awaitHealthy(s.url() + "/health", processes.process("sim-" + s.id()),
          Duration.ofSeconds(120));
    }
    for (RouterSpec r : SoakTopology.ROUTERS) {
      processes.startRouter(r, topology.writeConfig(r, out.resolve("config"), out.resolve("logs")));
    }
    for (RouterSpec r : SoakTopology.ROUTERS) {
      SoakProcesses.awaitHealthy("http://127.0.0.1:" + r.adminPort() + "/health",
          processes.process(r.name()), Duration.ofSeconds(120));
    }
  }

  /**
   * Reads the router's gauges once nothing is in flight any more (waiting up to 20 s for them to
   * reach 0) and which replicas it does not consider available.
   */
  private void endState(RouterSpec r, RouterRun run) throws Exception {
    String admin = "http://127.0.0.1:" + r.adminPort();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    do {
      String metrics = SoakProcesses.body(admin + "/metrics");
      Files.writeString(out.resolve("logs").resolve(r.name() + ".metrics.txt"), metrics);
      run.heapUsed = SoakLogs.sum(metrics, "jvm_memory_used_bytes", "area=\"heap\"");
      run.oldGenUsed = SoakLogs.sum(metrics, "jvm_memory_used_bytes", "Old Gen");
      for (String g : GAUGES) {
        run.endGauges.put(g, SoakLogs.sum(metrics, g));
      }
      JsonObject view = new JsonObject(SoakProcesses.body(admin + "/replicas"));
      run.unavailableAtEnd.clear();
      for (String sum : LOAD_SUMS) {
        run.endGauges.put(sum, 0.0);
      }
      for (Object o : view.getJsonArray("replicas")) {
        JsonObject rep = (JsonObject) o;
        if (!rep.getBoolean("available")) {
          run.unavailableAtEnd.add(rep.getString("id"));
        }
        for (String sum : LOAD_SUMS) {
          run.endGauges.merge(sum, rep.getNumber(sum).doubleValue(), Double::sum);
        }
      }
      if (run.endGauges.values().stream().allMatch(v -> v == 0) && run.unavailableAtEnd.isEmpty()) {
        return;
      }
      Thread.sleep(500);
    } while (System.nanoTime() < deadline);
  }

  private void analyse(List<RouterRun> runs, List<List<ClientRecord>> records,
      List<ReplicaWatch.Transition> transitions) throws Exception {
    Files.createDirectories(out.resolve("client"));
    SoakAnalysis analysis = new SoakAnalysis(report.faults, transitions,
        SoakLogs.attempts(out.resolve("sim")));
    for (int i = 0; i < runs.size(); i++) {
      RouterRun run = runs.get(i);
      List<ClientRecord> rs = records.get(i);
      StringBuilder lines = new StringBuilder();
      rs.forEach(r -> lines.append(r.toJson().encode()).append('\n'));
      Files.writeString(out.resolve("client").resolve(run.name + ".jsonl"), lines);
      run.figures = analysis.analyse(run.name, rs,
          SoakLogs.access(out.resolve("logs").resolve(run.name + ".access.log")));
      for (FaultRunner.Event e : report.faults) {
        if (FaultTimings.replicaFault(e) && e.startUs >= 0) {
          run.faults.add(FaultTimings.of(run.name, e, transitions));
        }
      }
    }
    StringBuilder t = new StringBuilder();
    transitions.forEach(x -> t.append(new JsonObject().put("router", x.router())
        .put("replica", x.replica()).put("at_us", x.atUs()).put("available", x.available())
        .put("healthy", x.healthy()).put("ejected", x.ejected()).encode()).append('\n'));
    Files.writeString(out.resolve("availability.jsonl"), t);
  }

  private static Options parse(String[] args) {
    Path bin = null;
    Path out = null;
    double minutes = 10;
    boolean quick = false;
    double rate = 3;
    long seed = 42;
    String command = "";
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--quick")) {
        quick = true;
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(a + " needs a value");
      }
      String v = args[++i];
      switch (a) {
        case "--bin" -> bin = Path.of(v);
        case "--out" -> out = Path.of(v);
        case "--minutes" -> minutes = Double.parseDouble(v);
        case "--rate" -> rate = Double.parseDouble(v);
        case "--seed" -> seed = Long.parseLong(v);
        case "--command" -> command = v;
        default -> throw new IllegalArgumentException("unknown argument " + a);
      }
    }
    if (bin == null || out == null) {
      throw new IllegalArgumentException("--bin DIR and --out DIR are required");
    }
    if (!(rate > 0) || !(minutes > 0)) {
      throw new IllegalArgumentException("--rate and --minutes must be positive");
    }
    return new Options(bin, out, minutes, quick, rate, seed, command);
  }
}
