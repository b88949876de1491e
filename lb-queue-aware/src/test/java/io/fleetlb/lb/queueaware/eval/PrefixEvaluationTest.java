package io.fleetlb.lb.queueaware.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Prefix-aware routing and the oracle against round-robin and queue-aware on vllm-sim's engine in
 * virtual time, on frozen bench workload files replayed with their exact bodies (the 70B pool of
 * the demo fleet: two healthy Llama-3.3-70B-AWQ replicas; README.md beside the files says how they
 * were made). Deterministic, so the printed tables are exact; the assertions hold only the robust
 * properties each regime is about. docs/benchmarks.md has the tables and what they leave out.
 */
class PrefixEvaluationTest {
  static final String LLAMA_70B = "meta-llama/Llama-3.3-70B-Instruct";
  /** bench/prefix-workload.yaml at seeds 21 (the demo's own file), 22 and 23: the 70B lines. */
  static final List<String> PREFIX_DEMO = List.of("prefix-s21-70b.jsonl.gz",
      "prefix-s22-70b.jsonl.gz", "prefix-s23-70b.jsonl.gz");
  /** bench/demo-workload.yaml (seed 21, the demo's own file): the 70B lines. */
  static final String DEMO = "demo-s21-70b.jsonl.gz";
  /** vLLM's prefix_repetition defaults at 16 requests/s, about the pool's capacity. */
  static final String PREFIX_REPETITION = "prefix-repetition-s1-70b.jsonl.gz";

  private static final Map<String, List<Workload.Request>> FILES = new ConcurrentHashMap<>();

  static List<Workload.Request> load(String name) {
    return FILES.computeIfAbsent(name, n -> BenchWorkload.resource(n, LLAMA_70B));
  }

  private static PrefixArms run(String title, List<String> files) {
    List<List<Workload.Request>> seeds = new ArrayList<>();
    for (String f : files) {
      seeds.add(load(f));
    }
    PrefixArms arms = PrefixArms.run(LLAMA_70B, seeds);
    System.out.print(arms.table(title));
    return arms;
  }

  @Test
  void onThePrefixHeavyDemoWorkloadPrefixAffinityFindsMoreOfTheCache() {
    PrefixArms a = run("(a) prefix-heavy demo workload (bench/prefix-workload.yaml), 70B pool,"
        + " seeds 21-23", PREFIX_DEMO);
    for (int s = 0; s < PREFIX_DEMO.size(); s++) {
      RunResult pa = a.results.get(PrefixArms.PA).get(s);
      assertThat(pa.prefixHitRate()).as("seed %d: hits against round-robin's", s)
          .isGreaterThan(a.results.get(PrefixArms.RR).get(s).prefixHitRate());
      assertThat(pa.prefixHitRate()).as("seed %d: hits against queue-aware's", s)
          .isGreaterThan(a.results.get(PrefixArms.QA).get(s).prefixHitRate());
    }
    assertThat(a.ratio(PrefixArms.PA, PrefixArms.RR, RunResult::meanTtft)).isLessThan(1);
    assertThat(a.ratio(PrefixArms.PA, PrefixArms.QA, RunResult::meanTtft)).isLessThan(1);
    // The seed pair: giving up prefix caching costs far more than any routing wins here.
    assertThat(a.ratio(PrefixArms.QA_OFF, PrefixArms.RR, RunResult::meanTtft)).isGreaterThan(2);
    assertThat(a.median(PrefixArms.QA_OFF, RunResult::prefixHitRate)).isZero();
  }

  @Test
  void withoutSharedPrefixesPrefixAffinityChangesNothing() {
    PrefixArms a = run("(b) demo workload (bench/demo-workload.yaml, no shared prefixes), 70B"
        + " pool, seed 21", List.of(DEMO));
    RunResult qa = a.results.get(PrefixArms.QA).get(0);
    RunResult pa = a.results.get(PrefixArms.PA).get(0);
    assertThat(qa.prefixHitRate()).as("no prompt shares a block with another").isZero();
    assertThat(pa.routed).containsExactly(qa.routed);
    assertThat(pa.ttftMs).containsExactly(qa.ttftMs);
    assertThat(qa.ttft(99)).isLessThan(a.results.get(PrefixArms.RR).get(0).ttft(99));
  }

  @Test
  void withFewShortPrefixesEveryReplicaCachesThemAllAndRoutingCannotAddHits() {
    PrefixArms a = run("(c) vLLM prefix_repetition (10 prefixes of 256 tokens, 256-token"
        + " suffixes, 128 out), 16 req/s, 70B pool, seed 1", List.of(PREFIX_REPETITION));
    double rr = a.median(PrefixArms.RR, RunResult::prefixHitRate);
    assertThat(rr).as("most of each shared prefix is found").isGreaterThan(0.4);
    for (String arm : List.of(PrefixArms.QA, PrefixArms.PA, PrefixArms.ORACLE)) {
      assertThat(a.median(arm, RunResult::prefixHitRate)).as(arm).isCloseTo(rr,
          org.assertj.core.data.Offset.offset(0.01));
    }
    // Without the cache the same load is past the pool's capacity.
    assertThat(a.ratio(PrefixArms.QA_OFF, PrefixArms.RR, RunResult::meanTtft)).isGreaterThan(5);
    assertThat(a.ratio(PrefixArms.QA_OFF, PrefixArms.RR, RunResult::outputThroughput))
        .isLessThan(0.9);
  }
}
