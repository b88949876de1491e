package io.fleetlb.lb.queueaware.eval;

import io.fleetlb.lb.queueaware.config.PolicyConfig;
import io.fleetlb.sim.engine.Profile;
import io.fleetlb.sim.engine.Profiles;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A command-line sweep for tuning (not a test): prints round-robin against queue-aware variants
 * over request rates on one model pool in virtual time.
 *
 * <pre>
 * java -cp ... io.fleetlb.lb.queueaware.eval.PolicyExperiment PROFILE N RATES BURSTINESS
 *     PROMPT_MEDIAN PROMPT_SIGMA OUTPUT_MEDIAN OUTPUT_SIGMA MAX_TOKENS SLOWDOWN [SEED]
 * java -cp ... io.fleetlb.lb.queueaware.eval.PolicyExperiment WORKLOAD.jsonl [SLOWDOWN]
 * java -cp ... io.fleetlb.lb.queueaware.eval.PolicyExperiment --arms MODEL WORKLOAD.jsonl[.gz]...
 * </pre>
 * The second form replays a bench workload file of the 70B pool on two replicas, the second
 * one slowed down. The third replays one model's requests of each file with their bodies on two
 * healthy replicas of that model through every arm of the prefix evaluation ({@link PrefixArms})
 * and prints the table of medians over the files (one file per workload seed).
 */
public final class PolicyExperiment {
  private PolicyExperiment() {}

  /** Replays a bench workload file of the 70B pool: round-robin, then queue-aware. */
  private static void replay(java.nio.file.Path file, double slowdown) throws Exception {
    List<Workload.Request> reqs = Workload.fromBenchFile(file);
    VirtualFleet fleet = new VirtualFleet(Profiles.byId("llama-3.3-70b-awq-h100").orElseThrow(),
        1.0, slowdown).estimateFactor(Double.parseDouble(System.getProperty("factor", "1.64")));
    RunResult rr = fleet.run(reqs, Policies.roundRobin());
    RunResult qa = fleet.run(reqs, Policies.queueAware());
    System.out.printf("%s%n  rr %s%n  qa %s%n", file, rr, qa);
  }

  public static void main(String[] a) throws Exception {
    if (a[0].equals("--arms")) {
      List<List<Workload.Request>> seeds = new java.util.ArrayList<>();
      for (int i = 2; i < a.length; i++) {
        seeds.add(BenchWorkload.file(java.nio.file.Path.of(a[i]), a[1]));
      }
      System.out.print(PrefixArms.run(a[1], seeds).table(a[1] + ", " + (a.length - 2)
          + " file(s)"));
      return;
    }
    if (a[0].endsWith(".jsonl")) {
      replay(java.nio.file.Path.of(a[0]), a.length > 1 ? Double.parseDouble(a[1]) : 1.0);
      return;
    }
    Profile p = Profiles.byId(a[0]).orElseThrow();
    int n = Integer.parseInt(a[1]);
    double burst = Double.parseDouble(a[3]);
    int promptMedian = Integer.parseInt(a[4]);
    double promptSigma = Double.parseDouble(a[5]);
    int outMedian = Integer.parseInt(a[6]);
    double outSigma = Double.parseDouble(a[7]);
    int maxTokens = Integer.parseInt(a[8]);
    double slow = Double.parseDouble(a[9]);
    long seed = a.length > 10 ? Long.parseLong(a[10]) : 42;
    double factor = Double.parseDouble(System.getProperty("factor", "1.0"));
    Map<String, VirtualFleet.PolicyFactory> policies = new LinkedHashMap<>();
    policies.put("rr", Policies.roundRobin());
    policies.put("qa", Policies.queueAware());
    String variants = System.getProperty("variants", "");
    for (String v : variants.split(";")) {
      if (v.isBlank()) {
        continue;
      }
      String[] w = v.split(",");
      policies.put(v, Policies.queueAware(new PolicyConfig(Double.valueOf(w[0]),
          Double.valueOf(w[1]), Double.valueOf(w[2]), Double.valueOf(w[3]),
          Double.valueOf(w[4]))));
    }
    for (String rate : a[2].split(",")) {
      double r = Double.parseDouble(rate);
      List<Workload.Request> reqs = Workload.generate(seed, n, r, burst, promptMedian,
          promptSigma, 24_000, outMedian, outSigma, maxTokens);
      VirtualFleet fleet = new VirtualFleet(p, 1.0, slow).estimateFactor(factor);
      RunResult base = null;
      for (Map.Entry<String, VirtualFleet.PolicyFactory> e : policies.entrySet()) {
        RunResult res = fleet.run(reqs, e.getValue());
        if (base == null) {
          base = res;
        }
        System.out.printf("%s rate %5.2f %-22s %s | p99 ttft x%.2f%n", a[0], r, e.getKey(), res,
            base.ttft(99) / res.ttft(99));
      }
    }
  }
}
