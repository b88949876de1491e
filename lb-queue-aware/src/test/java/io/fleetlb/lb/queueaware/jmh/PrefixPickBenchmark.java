package io.fleetlb.lb.queueaware.jmh;

import io.fleetlb.lb.config.EjectionConfig;
import io.fleetlb.lb.config.ReplicaConfig;
import io.fleetlb.lb.policy.RequestInfo;
import io.fleetlb.lb.pool.Replica;
import io.fleetlb.lb.pool.ReplicaPool;
import io.fleetlb.lb.queueaware.config.PolicyConfig;
import io.fleetlb.lb.queueaware.policy.QueueAwarePolicy;
import io.fleetlb.lb.queueaware.scrape.LoadBoard;
import io.fleetlb.lb.queueaware.scrape.ReplicaLoad;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the prefix-aware policy costs on the request path: one pick (hash the prompt, walk the
 * index for every candidate, score, record the blocks for the chosen replica) for an
 * 8,000-token prompt (32,000 characters) against a full index (every entry in use by other
 * prompts). Built and run only with {@code -Pjmh}; the command and the figures are in
 * docs/benchmarks.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PrefixPickBenchmark {
  private static final int PROMPT_CHARS = 32_000;

  private List<Replica> candidates;
  private ReplicaPool pool;
  private QueueAwarePolicy prefixAware;
  private QueueAwarePolicy queueAware;
  /** A session's next turn: its whole history matches on the replica that served it. */
  private RequestInfo warm;
  /** A prompt no replica has seen. */
  private RequestInfo cold;

  @Setup
  public void setUp() {
    List<ReplicaConfig> configs = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      configs.add(new ReplicaConfig("r" + i, "http://127.0.0.1:" + (23000 + i), "m"));
    }
    pool = new ReplicaPool(configs, EjectionConfig.DEFAULT, System::nanoTime);
    candidates = pool.available("m");
    LoadBoard board = new LoadBoard();
    for (Replica r : candidates) {
      board.publish(r, new ReplicaLoad(4, 0, 0.3, 1_000_000, Long.MAX_VALUE / 2, 0, 0));
    }
    PolicyConfig config = PolicyConfig.DEFAULT.withPrefixWeight(1);
    prefixAware = QueueAwarePolicy.create(board, config, Duration.ofDays(365 * 100L));
    queueAware = QueueAwarePolicy.create(board, PolicyConfig.DEFAULT,
        Duration.ofDays(365 * 100L));
    SplittableRandom random = new SplittableRandom(7);
    // Fill the index: 1.5x its capacity in blocks of other prompts.
    int blocks = 0;
    while (blocks < 1.5 * prefixAware.affinity().indexCapacity()) {
      prefixAware.pick(candidates, pool, chat(random, PROMPT_CHARS));
      blocks += PROMPT_CHARS / config.prefixBlockChars();
    }
    warm = chat(random, PROMPT_CHARS);
    prefixAware.pick(candidates, pool, warm);
    cold = chat(random, PROMPT_CHARS);
  }

  private static RequestInfo chat(SplittableRandom random, int chars) {
    StringBuilder b = new StringBuilder(chars + 8).append("user").append(RequestInfo.ROLE_END);
    while (b.length() < chars) {
      b.append((char) ('a' + random.nextInt(26)));
    }
    b.append(RequestInfo.MESSAGE_END);
    return new RequestInfo(chars / 4, 256, true, b.toString(), null);
  }

  /** The session's next turn: all 125 blocks match on one replica, recorded again. */
  @Benchmark
  public Replica prefixAwareWarm() {
    return prefixAware.pick(candidates, pool, warm);
  }

  /**
   * A prompt whose first block is not in the index (the walk stops at once; the blocks are
   * still hashed and recorded, replacing others: the index stays full).
   */
  @Benchmark
  public Replica prefixAwareCold() {
    return prefixAware.pick(candidates, pool, cold);
  }

  /** The same pick with prefix affinity off, for comparison. */
  @Benchmark
  public Replica queueAwareOnly() {
    return queueAware.pick(candidates, pool, warm);
  }
}
