package io.fleetlb.lb.queueaware.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetlb.sim.engine.Profile;
import io.fleetlb.sim.engine.Profiles;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The policy against round-robin on vllm-sim's engine in virtual time: deterministic (seeded
 * workloads, seeded tie-break, no threads), so the figures below are exact and each test states
 * the regime it covers. Two 70B-AWQ replicas (KV-bound: 102k tokens of cache each), bursty
 * arrivals (Gamma shape 0.5), prompts log-normal around 512 tokens, heavy-tailed outputs
 * (log-normal, median 300, sigma 1.2, up to 4,096). On this workload round-robin saturates near
 * 4.3 requests/s when both replicas are healthy, about 3.2 with one replica 2x slower.
 * docs/benchmarks.md has the sweep and the real-time measurements.
 */
class VirtualTimeEvaluationTest {
  private static final Profile LLAMA_70B = Profiles.byId("llama-3.3-70b-awq-h100").orElseThrow();
  private static final long SECOND = 1_000_000_000L;

  private static List<Workload.Request> kvBound(long seed, double rate) {
    return Workload.generate(seed, 1500, rate, 0.5, 512, 0.5, 24_000, 300, 1.2, 4096);
  }

  private static void print(String scenario, RunResult rr, RunResult qa) {
    System.out.printf("%s%n  rr %s%n  qa %s%n", scenario, rr, qa);
  }

  @Test
  void withOneReplicaTwiceSlowerItHalvesTailLatencyAndKeepsThroughput() {
    VirtualFleet fleet = new VirtualFleet(LLAMA_70B, 1.0, 2.0);
    List<Workload.Request> w = kvBound(1, 2.7);
    RunResult rr = fleet.run(w, Policies.roundRobin());
    RunResult qa = fleet.run(w, Policies.queueAware());
    print("70B, one replica 2x slower, 2.7 req/s (85% of the degraded pool)", rr, qa);
    assertThat(qa.ttft(99)).isLessThan(0.5 * rr.ttft(99));
    assertThat(qa.e2e(99)).isLessThan(0.5 * rr.e2e(99));
    assertThat(qa.ttft(50)).isLessThan(rr.ttft(50));
    assertThat(qa.outputThroughput()).isGreaterThanOrEqualTo(rr.outputThroughput());
    assertThat(qa.totalPreemptions()).isLessThan(rr.totalPreemptions());
    assertThat(qa.routed[0]).as("the healthy replica takes the larger share")
        .isGreaterThan(qa.routed[1] * 3 / 2);
  }

  @Test
  void aReplicaThatDegradesMidRunIsDrainedOfNewWork() {
    VirtualFleet fleet = new VirtualFleet(LLAMA_70B, 1.0, 1.0).slowdownAt(120 * SECOND, 1, 2.5);
    List<Workload.Request> w = kvBound(3, 2.7);
    RunResult rr = fleet.run(w, Policies.roundRobin());
    RunResult qa = fleet.run(w, Policies.queueAware());
    print("70B, replica 1 2.5x slower from t=120s, 2.7 req/s", rr, qa);
    assertThat(qa.ttft(99)).isLessThan(0.5 * rr.ttft(99));
    assertThat(qa.outputThroughput()).isGreaterThanOrEqualTo(rr.outputThroughput());
  }

  @Test
  void nearTheKvKneeOfAHealthyPoolItKeepsReplicasOutOfPreemption() {
    VirtualFleet fleet = new VirtualFleet(LLAMA_70B, 1.0, 1.0);
    List<Workload.Request> w = kvBound(2, 4.2);
    RunResult rr = fleet.run(w, Policies.roundRobin());
    RunResult qa = fleet.run(w, Policies.queueAware());
    print("70B healthy, 4.2 req/s (about 97% of capacity)", rr, qa);
    assertThat(rr.totalPreemptions()).as("round-robin tips one replica over").isPositive();
    assertThat(qa.totalPreemptions()).isZero();
    assertThat(qa.ttft(99)).isLessThan(0.5 * rr.ttft(99));
    assertThat(qa.outputThroughput()).isGreaterThanOrEqualTo(0.99 * rr.outputThroughput());
  }

  @Test
  void belowTheKneeOfAHealthyPoolItIsNoWorseThanRoundRobin() {
    // At 85-90% of capacity both policies keep the replicas out of preemption; queue-awareness
    // trims the TTFT tail a little (1.0-1.2x) and must not cost anything elsewhere (5% is the
    // noise of a different assignment of the same requests).
    for (long seed = 1; seed <= 3; seed++) {
      VirtualFleet fleet = new VirtualFleet(LLAMA_70B, 1.0, 1.0);
      List<Workload.Request> w = kvBound(seed, 3.8);
      RunResult rr = fleet.run(w, Policies.roundRobin());
      RunResult qa = fleet.run(w, Policies.queueAware());
      print("70B healthy, 3.8 req/s, seed " + seed, rr, qa);
      assertThat(qa.ttft(99)).isLessThanOrEqualTo(1.05 * rr.ttft(99));
      assertThat(qa.e2e(99)).isLessThanOrEqualTo(1.05 * rr.e2e(99));
      assertThat(qa.ttft(50)).isLessThanOrEqualTo(1.05 * rr.ttft(50));
      assertThat(qa.e2e(50)).isLessThanOrEqualTo(1.05 * rr.e2e(50));
      assertThat(qa.outputThroughput()).isGreaterThanOrEqualTo(0.99 * rr.outputThroughput());
    }
  }

  @Test
  void withNoMetricsAtAllTheLocalCountsStillFindTheSlowReplica() {
    VirtualFleet fleet = new VirtualFleet(LLAMA_70B, 1.0, 2.0).deadMetrics(0, 1);
    List<Workload.Request> w = kvBound(1, 2.7);
    RunResult rr = fleet.run(w, Policies.roundRobin());
    RunResult blind = fleet.run(w, Policies.queueAware());
    print("70B, one replica 2x slower, no /metrics anywhere", rr, blind);
    assertThat(blind.ttft(99)).isLessThan(0.5 * rr.ttft(99));
    assertThat(blind.outputThroughput()).isGreaterThanOrEqualTo(rr.outputThroughput());
  }

  @Test
  void aPrefillBoundPoolGetsItsPrefillsSpreadByPendingPromptTokens() {
    // The lead's 8B case: long log-normal prompts (median 2,000 tokens), bursty (shape 0.3),
    // 9.5 req/s on two 8B replicas; the router's prompt estimate 1.6x off, as on bench's
    // random dataset.
    Profile p = Profiles.byId("llama-3.1-8b-h100").orElseThrow();
    VirtualFleet fleet = new VirtualFleet(p, 1.0, 1.0).estimateFactor(1.64);
    List<Workload.Request> w = Workload.generate(4, 3000, 9.5, 0.3, 2000, 0.9, 24_000, 180, 0.8,
        2048);
    RunResult rr = fleet.run(w, Policies.roundRobin());
    RunResult qa = fleet.run(w, Policies.queueAware());
    print("8B healthy, prefill-bound, 9.5 req/s", rr, qa);
    assertThat(qa.ttft(99)).isLessThan(rr.ttft(99));
    assertThat(qa.e2e(99)).isLessThan(rr.e2e(99));
  }
}
