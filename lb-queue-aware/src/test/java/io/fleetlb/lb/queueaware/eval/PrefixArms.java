package io.fleetlb.lb.queueaware.eval;

import io.fleetlb.sim.engine.Profile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The arms of the prefix-aware evaluation, run on one model's pool of two healthy replicas over
 * one or more workload seeds, and their table: medians over the seeds of each figure, the
 * per-replica share summed over the seeds, and the ratios issue 13 asks for.
 */
final class PrefixArms {
  /** One arm: a policy, and whether the engines cache prompt prefixes. */
  record Arm(String name, VirtualFleet.PolicyFactory policy, boolean caching) {}

  static final String RR = "round-robin";
  static final String QA = "queue-aware";
  static final String PA = "prefix-aware";
  static final String ORACLE = "oracle";
  static final String QA_OFF = "queue-aware, caching OFF";

  /** Every arm: the four routers with caching on, prefix-aware variants, the seed pair's. */
  static final List<Arm> ARMS = List.of(
      new Arm(RR, Policies.roundRobin(), true),
      new Arm(QA, Policies.queueAware(), true),
      new Arm(PA, Policies.prefixAware(), true),
      new Arm("prefix-aware weight 0.5", Policies.prefixAware(0.5, 16, 1.5, 256), true),
      new Arm("prefix-aware weight 2", Policies.prefixAware(2, 16, 1.5, 256), true),
      new Arm("prefix-aware guard 8/1.25", Policies.prefixAware(1, 8, 1.25, 256), true),
      new Arm("prefix-aware guard 32/2", Policies.prefixAware(1, 32, 2, 256), true),
      new Arm("prefix-aware 64-char blocks", Policies.prefixAware(1, 16, 1.5, 64), true),
      new Arm(ORACLE, Policies.oracle(), true),
      new Arm(QA_OFF, Policies.queueAware(), false));

  /** Each arm's results, one per seed, in seed order. */
  final Map<String, List<RunResult>> results = new LinkedHashMap<>();

  /** Runs every arm on each seed's requests of {@code model}. */
  static PrefixArms run(String model, List<List<Workload.Request>> seeds) {
    PrefixArms arms = new PrefixArms();
    Profile profile = BenchWorkload.profile(model);
    for (Arm arm : ARMS) {
      List<RunResult> runs = new ArrayList<>();
      for (List<Workload.Request> requests : seeds) {
        runs.add(new VirtualFleet(profile, 1.0, 1.0).model(model).prefixCaching(arm.caching())
            .run(requests, arm.policy()));
      }
      arms.results.put(arm.name(), runs);
    }
    return arms;
  }

  /** The median over the seeds of a figure of an arm. */
  double median(String arm, ToDoubleFunction<RunResult> figure) {
    double[] v = results.get(arm).stream().mapToDouble(figure).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** The table and the ratios, as printed into the test's output. */
  String table(String title) {
    StringBuilder b = new StringBuilder(title).append('\n');
    b.append(String.format("  %-28s %7s %7s %7s %9s %6s %8s  %s%n", "arm (median of seeds)",
        "mean", "p50", "p99", "out tok/s", "hit %", "preempt", "share"));
    for (Map.Entry<String, List<RunResult>> e : results.entrySet()) {
      String arm = e.getKey();
      int[] routed = new int[e.getValue().get(0).routed.length];
      for (RunResult r : e.getValue()) {
        for (int i = 0; i < routed.length; i++) {
          routed[i] += r.routed[i];
        }
      }
      int total = Arrays.stream(routed).sum();
      StringBuilder share = new StringBuilder();
      for (int n : routed) {
        share.append(share.length() == 0 ? "" : "/").append(Math.round(100.0 * n / total));
      }
      b.append(String.format("  %-28s %7.0f %7.0f %7.0f %9.0f %6.1f %8.0f  %s%n", arm,
          median(arm, RunResult::meanTtft), median(arm, r -> r.ttft(50)),
          median(arm, r -> r.ttft(99)), median(arm, RunResult::outputThroughput),
          100 * median(arm, RunResult::prefixHitRate),
          median(arm, r -> (double) r.totalPreemptions()), share));
    }
    b.append(String.format("  prefix-aware / round-robin: mean TTFT %.2fx, output throughput"
            + " %.2fx%n", ratio(PA, RR, RunResult::meanTtft),
        ratio(PA, RR, RunResult::outputThroughput)));
    b.append(String.format("  prefix-aware / queue-aware: p99 TTFT %.2fx, mean TTFT %.2fx%n",
        ratio(PA, QA, r -> r.ttft(99)), ratio(PA, QA, RunResult::meanTtft)));
    b.append(String.format("  p99 TTFT / oracle's: round-robin %.2fx, queue-aware %.2fx,"
            + " prefix-aware %.2fx%n", ratio(RR, ORACLE, r -> r.ttft(99)),
        ratio(QA, ORACLE, r -> r.ttft(99)), ratio(PA, ORACLE, r -> r.ttft(99))));
    b.append(String.format("  seed pair: queue-aware caching OFF / round-robin caching ON:"
            + " mean TTFT %.2fx, p99 TTFT %.2fx, output throughput %.2fx%n",
        ratio(QA_OFF, RR, RunResult::meanTtft), ratio(QA_OFF, RR, r -> r.ttft(99)),
        ratio(QA_OFF, RR, RunResult::outputThroughput)));
    return b.toString();
  }

  /** The ratio of two arms' medians of a figure. */
  double ratio(String arm, String base, ToDoubleFunction<RunResult> figure) {
    return median(arm, figure) / median(base, figure);
  }
}
