package io.fleetlb.lb.queueaware.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetlb.lb.config.EjectionConfig;
import io.fleetlb.lb.config.ReplicaConfig;
import io.fleetlb.lb.policy.RequestInfo;
import io.fleetlb.lb.pool.Dispatch;
import io.fleetlb.lb.pool.Replica;
import io.fleetlb.lb.pool.ReplicaPool;
import io.fleetlb.lb.queueaware.config.PolicyConfig;
import io.fleetlb.lb.queueaware.scrape.LoadBoard;
import io.fleetlb.lb.queueaware.scrape.ReplicaLoad;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The policy on frozen snapshots, an exact clock and lb-core's real counters (a pick followed by
 * {@link ReplicaPool#dispatch(Replica, RequestInfo)} is what the router does).
 */
class QueueAwarePolicyTest {
  private static final RequestInfo REQ = new RequestInfo(500, 200, true);
  private static final long SECOND = 1_000_000_000L;

  private long now = 100 * SECOND;
  private ReplicaPool pool;
  private LoadBoard board;
  private QueueAwarePolicy policy;
  private final List<Dispatch> dispatched = new ArrayList<>();

  private void fleet(int replicas, PolicyConfig config) {
    List<ReplicaConfig> configs = new ArrayList<>();
    for (int i = 0; i < replicas; i++) {
      configs.add(new ReplicaConfig("r" + i, "http://127.0.0.1:" + (9000 + i), "m"));
    }
    pool = new ReplicaPool(configs, EjectionConfig.DEFAULT, () -> now);
    board = new LoadBoard();
    policy = QueueAwarePolicy.create(board, config, Duration.ofSeconds(1), () -> now,
        new SplittableRandom(1));
  }

  private Replica r(int i) {
    return pool.replicas().get(i);
  }

  /** A snapshot taken now, with the router's counts as they are now. */
  private void scraped(int i, double running, double waiting, double kv) {
    board.publish(r(i), new ReplicaLoad(running, waiting, kv, 100_000, now,
        pool.inFlight(r(i)), pool.inFlightTokens(r(i))));
  }

  /** Picks and dispatches, as the router does; returns the replica's index. */
  private int route(RequestInfo request) {
    Replica pick = policy.pick(pool.available("m"), pool, request);
    dispatched.add(pool.dispatch(pick, request));
    return pick.index();
  }

  private int[] burst(int n) {
    int[] counts = new int[pool.replicas().size()];
    for (int k = 0; k < n; k++) {
      counts[route(REQ)]++;
    }
    return counts;
  }

  /** A snapshot taken now whose recent time per output token is {@code tpot} seconds. */
  private void scrapedWithSpeed(int i, double running, double tpot) {
    ReplicaLoad first = new ReplicaLoad(running, 0, 0.1, 100_000, now - SECOND / 4,
        pool.inFlight(r(i)), pool.inFlightTokens(r(i)), 10.0, 1000, Double.NaN);
    ReplicaLoad second = new ReplicaLoad(running, 0, 0.1, 100_000, now,
        pool.inFlight(r(i)), pool.inFlightTokens(r(i)), 10.0 + 100 * tpot, 1100, Double.NaN);
    board.publish(r(i), second.withRecentTpot(first));
  }

  private static final PolicyConfig SPEED = new PolicyConfig(null, null, null, null, null, 1.0);

  @Test
  void aSlowerReplicaCountsItsQueueByItsSlowness() {
    fleet(2, SPEED);
    scrapedWithSpeed(0, 12, 0.020);
    scrapedWithSpeed(1, 12, 0.040);
    // Equal queues, but r1 needs twice the time per token, so its queue counts twice: each
    // request adds 1 + 5 (500 prompt tokens in prefill) to a queue, 12 + 6k on r0 against
    // (12 + 6j) x 2 on r1; with k + j = 14 they meet at about k = 10, j = 4.
    int[] counts = burst(14);
    assertThat(counts[0]).isBetween(9, 11);
    assertThat(policy.speedFactor(board.get(r(1)), 0.020)).isEqualTo(2.0);
    assertThat(policy.speedFactor(board.get(r(0)), 0.020)).isEqualTo(1.0);
  }

  @Test
  void withoutTokenTimingOrWithTheSpeedWeightOffAQueueIsAQueue() {
    fleet(2, PolicyConfig.DEFAULT);
    scrapedWithSpeed(0, 12, 0.020);
    scrapedWithSpeed(1, 12, 0.040);
    int[] counts = burst(14);
    assertThat(Math.abs(counts[0] - counts[1])).isLessThanOrEqualTo(2);
    assertThat(policy.speedFactor(board.get(r(1)), 0.020)).isEqualTo(1.0);

    fleet(2, SPEED);
    scraped(0, 12, 0, 0.1);
    scraped(1, 12, 0, 0.1);
    assertThat(board.get(r(1)).hasTpot()).isFalse();
    counts = burst(14);
    assertThat(Math.abs(counts[0] - counts[1])).isLessThanOrEqualTo(2);
  }

  @Test
  void theSlownessFactorIsCapped() {
    fleet(2, SPEED);
    scrapedWithSpeed(0, 1, 0.010);
    scrapedWithSpeed(1, 1, 1.0);
    assertThat(policy.speedFactor(board.get(r(1)), 0.010)).isEqualTo(4.0);
  }

  @Test
  void aReplicaLoadsRecentTpotIsTheHistogramsGrowthSmoothed() {
    ReplicaLoad a = new ReplicaLoad(1, 0, 0.1, 0, 0, 0, 0, 5.0, 500, Double.NaN);
    ReplicaLoad b = new ReplicaLoad(1, 0, 0.1, 0, 1, 0, 0, 7.0, 600, Double.NaN).withRecentTpot(a);
    assertThat(b.tpotSeconds()).isCloseTo(0.02, org.assertj.core.data.Offset.offset(1e-12));
    // half the new mean (0.04) and half the previous estimate
    ReplicaLoad c = new ReplicaLoad(1, 0, 0.1, 0, 2, 0, 0, 11.0, 700, Double.NaN).withRecentTpot(b);
    assertThat(c.tpotSeconds()).isCloseTo(0.03, org.assertj.core.data.Offset.offset(1e-12));
    // too few tokens in between (an idle replica): the last estimate stays
    ReplicaLoad d = new ReplicaLoad(0, 0, 0.1, 0, 3, 0, 0, 11.1, 703, Double.NaN).withRecentTpot(c);
    assertThat(d.tpotSeconds()).isEqualTo(c.tpotSeconds());
    // counters went backwards (the replica restarted): the last estimate stays
    ReplicaLoad e = new ReplicaLoad(0, 0, 0.1, 0, 4, 0, 0, 0.5, 20, Double.NaN).withRecentTpot(d);
    assertThat(e.tpotSeconds()).isEqualTo(c.tpotSeconds());
    // no histogram at all
    ReplicaLoad f = new ReplicaLoad(0, 0, 0.1, 0, 5, 0, 0).withRecentTpot(null);
    assertThat(f.hasTpot()).isFalse();
  }

  @Test
  void aReplicaReportingALongQueueGetsNoNewWorkWhileAnotherIsIdle() {
    fleet(2, PolicyConfig.DEFAULT);
    scraped(0, 64, 40, 0.95);
    scraped(1, 0, 0, 0.0);
    // 30 requests of 500 prompt tokens all still in prefill on r1 weigh 180; r0's queue, 280.
    int[] counts = burst(30);
    assertThat(counts).containsExactly(0, 30);
  }

  @Test
  void requestsDispatchedSinceTheScrapeCountAtOnce() {
    fleet(2, PolicyConfig.DEFAULT);
    scraped(0, 5, 0, 0.1);
    scraped(1, 5, 0, 0.1);
    route(REQ);
    int second = route(REQ);
    assertThat(second).as("the first pick's replica now carries it").isNotEqualTo(dispatched
        .get(0).replica().index());
    // Requests that finished since the scrape lower the estimate too.
    Replica first = dispatched.get(0).replica();
    double before = policy.estimate(first, pool, RequestInfo.UNKNOWN, now);
    dispatched.get(0).firstByte();
    dispatched.get(0).finish(io.fleetlb.lb.pool.AttemptResult.COMPLETED);
    assertThat(policy.estimate(first, pool, RequestInfo.UNKNOWN, now)).isLessThan(before);
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3, 4, 6})
  void aBurstAgainstIdenticalFrozenSnapshotsSpreadsWithinThirtyPercentOfFair(int replicas) {
    fleet(replicas, PolicyConfig.DEFAULT);
    for (int i = 0; i < replicas; i++) {
      scraped(i, 10, 2, 0.5);
    }
    int[] counts = burst(200);
    double fair = 200.0 / replicas;
    for (int c : counts) {
      assertThat(c).isLessThanOrEqualTo((int) Math.floor(1.3 * fair));
    }
  }

  @Test
  void aBurstWithAWideTieBandStillSpreadsByChanceAlone() {
    // Every load within the band: the pick is uniform, so the bound holds by the numbers.
    fleet(2, new PolicyConfig(null, null, null, null, 1e6));
    scraped(0, 10, 0, 0.5);
    scraped(1, 10, 0, 0.5);
    int[] counts = burst(200);
    assertThat(counts[0]).isBetween(70, 130);
  }

  @Test
  void aStaleSnapshotIsIgnoredAndTheReplicaJudgedByLocalCounts() {
    fleet(2, PolicyConfig.DEFAULT);
    scraped(0, 100, 50, 0.99);
    scraped(1, 0, 0, 0.0);
    now += 2 * SECOND;
    scraped(1, 0, 0, 0.0);
    assertThat(policy.usable(board.get(r(0)), now)).isFalse();
    // r0's old queue no longer counts: both look empty locally, so both get work.
    int[] counts = burst(20);
    assertThat(counts[0]).isBetween(8, 12);
    assertThat(policy.estimate(r(0), pool, RequestInfo.UNKNOWN, now))
        .isEqualTo(pool.inFlight(r(0)) + 0.01 * pool.pendingPromptTokens(r(0)));
  }

  @Test
  void withNoMetricsAnywhereItIsLeastOutstandingRequests() {
    fleet(3, PolicyConfig.DEFAULT);
    for (int k = 0; k < 5; k++) {
      Dispatch d = pool.dispatch(r(0), RequestInfo.UNKNOWN);
      d.firstByte();
    }
    Dispatch d = pool.dispatch(r(1), RequestInfo.UNKNOWN);
    d.firstByte();
    int[] counts = new int[3];
    for (int k = 0; k < 4; k++) {
      counts[route(RequestInfo.UNKNOWN)]++;
    }
    // r2 (0 in flight) first, then r1 and r2 alternate around equal loads; r0 never.
    assertThat(counts[0]).isZero();
    assertThat(counts[1] + counts[2]).isEqualTo(4);
  }

  @Test
  void pendingPrefillWeighsRequestsByTheirPromptSize() {
    fleet(2, PolicyConfig.DEFAULT);
    scraped(0, 4, 0, 0.2);
    scraped(1, 4, 0, 0.2);
    pool.dispatch(r(0), new RequestInfo(8000, 100, true));
    pool.dispatch(r(1), new RequestInfo(100, 100, true));
    pool.dispatch(r(1), new RequestInfo(100, 100, true));
    // One long prompt in prefill weighs more than two short ones.
    assertThat(route(REQ)).isEqualTo(1);
  }

  @Test
  void aReplicaNearAFullKvCacheIsAvoidedAndMoreSoForABigRequest() {
    fleet(2, PolicyConfig.DEFAULT);
    scraped(0, 10, 0, 0.85);
    scraped(1, 14, 0, 0.30);
    assertThat(route(new RequestInfo(100, 10, true))).isEqualTo(1);
    double small = policy.estimate(r(0), pool, new RequestInfo(100, 10, true), now);
    double big = policy.estimate(r(0), pool, new RequestInfo(4000, 4000, true), now);
    assertThat(big).as("8,000 committed tokens push the estimated usage to 0.93").isGreaterThan(
        small + 30);
  }

  @Test
  void theKvPenaltyCanBeSwitchedOff() {
    fleet(2, new PolicyConfig(null, null, null, 0.0, null));
    scraped(0, 0, 0, 1.0);
    scraped(1, 0, 0, 0.0);
    assertThat(policy.estimate(r(0), pool, REQ, now))
        .isEqualTo(policy.estimate(r(1), pool, REQ, now));
  }

  @Test
  void oneCandidateIsReturnedAsIsAndPicksAreCounted() {
    fleet(2, PolicyConfig.DEFAULT);
    assertThat(policy.pick(List.of(r(1)), pool)).isSameAs(r(1));
    assertThat(policy.pick(pool.available("m"), pool)).as("no request facts").isNotNull();
    route(REQ);
    assertThat(policy.picks(r(0)) + policy.picks(r(1))).isEqualTo(3);
    assertThat(policy.picks(r(1))).isPositive();
  }
}
