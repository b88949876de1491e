package io.fleetlb.lb.queueaware.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetlb.lb.policy.LoadView;
import io.fleetlb.lb.policy.RequestInfo;
import io.fleetlb.lb.policy.RoutingPolicy;
import io.fleetlb.lb.pool.Replica;
import io.fleetlb.sim.engine.Profiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * The virtual-time harness replays bench workload files as the real fleet would see them: the
 * frozen files are the recorded bytes, equal text prefixes reach the engines as equal block hashes
 * and the policy as equal canonical text, session turns wait for their previous turn, bad files
 * are refused by line, and the oracle's probe sees the engines' exact state.
 */
class BenchReplayTest {
  /** sha256 of each frozen file's decompressed bytes (README.md beside them). */
  private static final Map<String, String> FROZEN = Map.of(
      "prefix-s21-70b.jsonl.gz", "9f48656d8af68eaace04d774db2b48a72897da2fd64532eaf60d27479735d1ba",
      "prefix-s22-70b.jsonl.gz", "c3c78df81eca93117f0f2b2d19354cde6b6db67f659d8daa97cc46605915dcb8",
      "prefix-s23-70b.jsonl.gz", "d81ba39efbf500a2d6ca12a1a53f82405a464c56010c829e1b3dda3d149a9020",
      "demo-s21-70b.jsonl.gz", "f78c7c741a78ac9d07637bbbea67690c2c09eb5a8b61485f2d9b9940b1a36c0b",
      "prefix-repetition-s1-70b.jsonl.gz",
      "b3d77a52a3df7ea86b46be91c6c4edc55414d17e5e2cbbf0e0bba67bb7959b57");

  @Test
  void theFrozenWorkloadsAreTheRecordedBytes() throws Exception {
    for (Map.Entry<String, String> e : FROZEN.entrySet()) {
      try (InputStream in = new GZIPInputStream(
          BenchReplayTest.class.getResourceAsStream(e.getKey()))) {
        byte[] sha = MessageDigest.getInstance("SHA-256").digest(in.readAllBytes());
        assertThat(HexFormat.of().formatHex(sha)).as(e.getKey()).isEqualTo(e.getValue());
      }
    }
  }

  @Test
  void aSessionsNextTurnResendsItsHistoryAsEqualBlocksAndEqualText() {
    List<Workload.Request> w = PrefixEvaluationTest.load("prefix-s21-70b.jsonl.gz");
    int checked = 0;
    for (int i = 1; i < w.size(); i++) {
      Workload.Turn t = w.get(i).turn();
      Workload.Turn before = w.get(i - 1).turn();
      if (t == null || t.index() == 0 || before.session() != t.session()) {
        continue;
      }
      long[] prev = w.get(i - 1).spec().prompt().fullBlockHashes();
      long[] next = w.get(i).spec().prompt().fullBlockHashes();
      assertThat(Arrays.copyOf(next, prev.length)).as("turn %d of session %d", t.index(),
          t.session()).containsExactly(prev);
      assertThat(w.get(i).info().prompt()).startsWith(w.get(i - 1).info().prompt());
      assertThat(w.get(i).atNanos()).isEqualTo(w.get(i - 1).atNanos());
      checked++;
    }
    assertThat(checked).as("later turns in the file").isGreaterThan(10);
    // Two sessions of one application share their system prompt's leading blocks only.
    long[] a = w.get(0).spec().prompt().fullBlockHashes();
    Workload.Request other = w.stream().filter(r -> r.turn().session() != w.get(0).turn()
        .session() && r.turn().index() == 0 && r.spec().prompt().fullBlockHashes()[0] == a[0])
        .findFirst().orElseThrow();
    assertThat(other.spec().prompt().fullBlockHashes()).isNotEqualTo(a);
  }

  @Test
  void aLaterTurnIsDueAtItsPreviousTurnsFinishPlusItsThinkTime() {
    List<Workload.Request> w = List.of(
        new Workload.Request(10, 100, 5, 5, null, null, new Workload.Turn(0, 0, 0)),
        new Workload.Request(10, 200, 5, 5, null, null, new Workload.Turn(0, 1, 2_000)),
        new Workload.Request(50, 100, 5, 5));
    Arrivals arrivals = new Arrivals(w);
    assertThat(arrivals.next()).isEqualTo(10);
    assertThat(arrivals.take()).isZero();
    assertThat(arrivals.take()).as("the request of its own, not the waiting turn").isEqualTo(2);
    assertThat(arrivals.next()).isEqualTo(Long.MAX_VALUE);
    arrivals.finished(0, 9_000);
    assertThat(arrivals.next()).isEqualTo(11_000);
    assertThat(arrivals.take()).isEqualTo(1);
    assertThatThrownBy(() -> new Arrivals(w.subList(1, 3)))
        .hasMessageContaining("request 0: turn 1 of session 0 does not follow");
  }

  @Test
  void aLineTheReplicaCouldNotServeIsRefusedByLine() {
    String header = "{\"format\":\"fleetlb-workload\",\"format_version\":1}\n";
    String line = "{\"index\":0,\"offset_ns\":0,\"model\":\"m\",\"endpoint\":\"/v1/completions\","
        + "\"body\":{\"model\":\"m\",\"prompt\":\"hi\",\"max_tokens\":4}}\n";
    assertThatThrownBy(() -> read(header + line))
        .hasMessage("w.jsonl, line 2: endpoint \"/v1/completions\" (only chat bodies are"
            + " replayed)");
    String noSeed = "{\"index\":0,\"offset_ns\":0,\"model\":\"m\",\"endpoint\":"
        + "\"/v1/chat/completions\",\"body\":{\"model\":\"m\",\"messages\":[{\"role\":\"user\","
        + "\"content\":\"hi\"}],\"max_tokens\":4}}\n";
    assertThatThrownBy(() -> read(header + noSeed)).hasMessageContaining("line 2: a request"
        + " without ignore_eos needs a seed");
    assertThatThrownBy(() -> read("{\"format\":\"other\"}\n"))
        .hasMessage("w.jsonl: line 1 is not a fleetlb-workload header");
  }

  @Test
  void theOracleSendsWorkAwayFromAReplicaItsEngineSaysIsSlow() {
    List<Workload.Request> w = Workload.generate(5, 600, 2.5, 0.5, 512, 0.5, 24_000, 300, 1.2,
        4096);
    VirtualFleet fleet = new VirtualFleet(Profiles.byId("llama-3.3-70b-awq-h100").orElseThrow(),
        1.0, 3.0);
    RunResult rr = fleet.run(w, Policies.roundRobin());
    RunResult oracle = fleet.run(w, Policies.oracle());
    System.out.printf("70B, one replica 3x slower, 2.5 req/s%n  rr     %s%n  oracle %s%n", rr,
        oracle);
    assertThat(oracle.routed[0]).isGreaterThan(2 * oracle.routed[1]);
    assertThat(oracle.ttft(99)).isLessThan(rr.ttft(99));
  }

  @Test
  void thePolicyGetsTheRoutersViewAndSizesWhatItDispatches() {
    List<Workload.Request> w = PrefixEvaluationTest.load("prefix-s23-70b.jsonl.gz");
    for (boolean wantsText : new boolean[] {false, true}) {
      List<RequestInfo> seen = new ArrayList<>();
      List<RequestInfo> sized = new ArrayList<>();
      RoutingPolicy policy = new RoutingPolicy() {
        @Override
        public Replica pick(List<Replica> candidates, LoadView load) {
          throw new AssertionError("the router calls the sized form");
        }

        @Override
        public Replica pick(List<Replica> candidates, LoadView load, RequestInfo request) {
          seen.add(request);
          return candidates.get(seen.size() % candidates.size());
        }

        @Override
        public boolean needsPromptText() {
          return wantsText;
        }

        @Override
        public RequestInfo dispatched(Replica pick, RequestInfo request) {
          sized.add(request);
          return new RequestInfo(0, request.maxTokens(), request.stream());
        }
      };
      new VirtualFleet(BenchWorkload.profile(PrefixEvaluationTest.LLAMA_70B), 1.0, 1.0)
          .model(PrefixEvaluationTest.LLAMA_70B).prefixCaching(true)
          .run(w, (board, clock, instance) -> policy);
      assertThat(sized).as("dispatched once per pick, with the picked request")
          .containsExactlyElementsOf(seen);
      assertThat(seen).hasSize(w.size()).allSatisfy(r -> {
        assertThat(r.stream()).isTrue();
        assertThat(r.prompt().isEmpty()).isEqualTo(!wantsText);
      });
      assertThat(seen.get(0).promptTokens()).isEqualTo(w.get(0).info().promptTokens());
    }
  }

  private static List<Workload.Request> read(String file) throws IOException {
    return BenchWorkload.read(new ByteArrayInputStream(file.getBytes(StandardCharsets.UTF_8)),
        "w.jsonl", "m");
  }
}
