package io.fleetlb.lb.roundrobin;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetlb.lb.config.EjectionConfig;
import io.fleetlb.lb.config.ReplicaConfig;
import io.fleetlb.lb.pool.Replica;
import io.fleetlb.lb.pool.ReplicaPool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RoundRobinPolicyTest {
  private final ReplicaPool pool = new ReplicaPool(List.of(
      new ReplicaConfig("a1", "http://127.0.0.1:8001", "A"),
      new ReplicaConfig("a2", "http://127.0.0.1:8002", "A"),
      new ReplicaConfig("a3", "http://127.0.0.1:8003", "A"),
      new ReplicaConfig("b1", "http://127.0.0.1:8004", "B"),
      new ReplicaConfig("b2", "http://127.0.0.1:8005", "B")),
      EjectionConfig.DEFAULT, System::nanoTime);

  private List<String> picks(RoundRobinPolicy p, String model, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(p.pick(pool.available(model), pool).id());
    }
    return out;
  }

  @Test
  void cyclesThroughEachModelsReplicasIndependently() {
    RoundRobinPolicy p = RoundRobinPolicy.create();
    assertThat(picks(p, "A", 4)).containsExactly("a1", "a2", "a3", "a1");
    assertThat(picks(p, "B", 3)).containsExactly("b1", "b2", "b1");
    assertThat(picks(p, "A", 2)).containsExactly("a2", "a3");
  }

  @Test
  void staysInRangeWhenTheCounterPassesIntegerMaxValue() {
    long start = Integer.MAX_VALUE - 2L;
    RoundRobinPolicy p = RoundRobinPolicy.startingAt(start);
    List<String> got = picks(p, "A", 6);
    List<String> expected = new ArrayList<>();
    for (long c = start; c < start + 6; c++) {
      expected.add("a" + (Math.floorMod(c, 3) + 1));
    }
    assertThat(got).containsExactlyElementsOf(expected);
    assertThat(got.subList(0, 3)).containsExactlyInAnyOrder("a1", "a2", "a3");
  }

  @Test
  void staysInRangeAndKeepsAlternatingWhenTheCounterWrapsAroundLongMaxValue() {
    // MAX_VALUE - 3 is even. 2^64 is a multiple of 2, so the alternation of two replicas
    // survives the wrap from MAX_VALUE to MIN_VALUE (after the 4th pick).
    RoundRobinPolicy p = RoundRobinPolicy.startingAt(Long.MAX_VALUE - 3);
    assertThat(picks(p, "B", 8)).containsExactly("b1", "b2", "b1", "b2", "b1", "b2", "b1", "b2");
    RoundRobinPolicy three = RoundRobinPolicy.startingAt(Long.MAX_VALUE - 1);
    assertThat(picks(three, "A", 5)).allMatch(id -> id.matches("a[123]"));
  }

  @Test
  void followsTheCandidateListAsItShrinks() {
    RoundRobinPolicy p = RoundRobinPolicy.create();
    List<Replica> all = pool.available("A");
    List<Replica> two = List.of(all.get(0), all.get(2));
    assertThat(p.pick(all, pool).id()).isEqualTo("a1");
    assertThat(p.pick(two, pool).id()).isEqualTo("a3");
    assertThat(p.pick(two, pool).id()).isEqualTo("a1");
    assertThat(p.pick(List.of(all.get(1)), pool).id()).isEqualTo("a2");
  }

  @Test
  void sharesPicksExactlyUnderConcurrentUse() throws Exception {
    RoundRobinPolicy p = RoundRobinPolicy.create();
    List<Replica> candidates = List.of(pool.replicas().get(3), pool.replicas().get(4));
    Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    ExecutorService exec = Executors.newFixedThreadPool(4);
    for (int t = 0; t < 4; t++) {
      exec.submit(() -> {
        for (int i = 0; i < 25_000; i++) {
          counts.computeIfAbsent(p.pick(candidates, pool).id(), k -> new AtomicInteger())
              .incrementAndGet();
        }
      });
    }
    exec.shutdown();
    assertThat(exec.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    assertThat(counts.get("b1").get()).isEqualTo(50_000);
    assertThat(counts.get("b2").get()).isEqualTo(50_000);
  }
}
