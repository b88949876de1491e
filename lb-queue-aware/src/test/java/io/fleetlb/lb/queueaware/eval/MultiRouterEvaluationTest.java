package io.fleetlb.lb.queueaware.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetlb.sim.engine.Profile;
import io.fleetlb.sim.engine.Profiles;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Several lb-queue-aware instances in front of the same replicas (a Deployment of routers behind
 * a Kubernetes Service): each sees vLLM's metrics but only its own requests in flight, so
 * between two scrapes each adds to what it believes is the least-loaded replica unaware of the
 * others. Measured on vllm-sim's engine in virtual time with 1, 2 and 4 instances (arrivals
 * spread at random, each instance scraping on its own phase), five workload seeds per point; the
 * median over seeds of the p99 TTFT is what the assertions hold. docs/benchmarks.md has the table.
 */
class MultiRouterEvaluationTest {
  private static final Profile LLAMA_70B = Profiles.byId("llama-3.3-70b-awq-h100").orElseThrow();
  private static final int SEEDS = 5;

  private static List<Workload.Request> kvBound(long seed, double rate) {
    return Workload.generate(seed, 1500, rate, 0.5, 512, 0.5, 24_000, 300, 1.2, 4096);
  }

  /** The median over seeds of the p99 TTFT (ms) of a policy with {@code routers} instances. */
  private static double medianP99(double slowdown, double rate, int routers,
      VirtualFleet.PolicyFactory policy) {
    double[] p99 = new double[SEEDS];
    for (int s = 0; s < SEEDS; s++) {
      p99[s] = new VirtualFleet(LLAMA_70B, 1.0, slowdown).routers(routers)
          .run(kvBound(s + 1, rate), policy).ttft(99);
    }
    Arrays.sort(p99);
    return p99[SEEDS / 2];
  }

  private static void check(String scenario, double slowdown, double rate, double maxGrowth,
      double maxVsRoundRobin) {
    double single = medianP99(slowdown, rate, 1, Policies.queueAware());
    System.out.printf("%s: 1 instance: queue-aware %.0f ms, round-robin %.0f ms%n", scenario,
        single, medianP99(slowdown, rate, 1, Policies.roundRobin()));
    for (int routers : new int[] {2, 4}) {
      double qa = medianP99(slowdown, rate, routers, Policies.queueAware());
      double rr = medianP99(slowdown, rate, routers, Policies.roundRobin());
      System.out.printf("%s: %d instances: queue-aware %.0f ms (%.2fx of one), round-robin"
          + " %.0f ms%n", scenario, routers, qa, qa / single, rr);
      assertThat(qa).as("%s, %d instances against one", scenario, routers)
          .isLessThanOrEqualTo(maxGrowth * single);
      assertThat(qa).as("%s, %d instances against round-robin", scenario, routers)
          .isLessThanOrEqualTo(maxVsRoundRobin * rr);
    }
  }

  @Test
  void withOneReplicaTwiceSlowerMoreInstancesKeepTheirLead() {
    check("70B, one replica 2x slower, 2.7 req/s", 2.0, 2.7, 1.25, 0.05);
  }

  @Test
  void onAHealthyPoolMoreInstancesCostLittle() {
    check("70B healthy, 3.8 req/s", 1.0, 3.8, 1.25, 1.0);
  }
}
