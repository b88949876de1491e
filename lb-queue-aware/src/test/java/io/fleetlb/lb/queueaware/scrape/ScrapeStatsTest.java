package io.fleetlb.lb.queueaware.scrape;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetlb.lb.config.ConfigLoader;
import io.fleetlb.lb.config.RouterConfig;
import io.fleetlb.lb.pool.Replica;
import io.fleetlb.lb.pool.ReplicaPool;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** When scrape failures are worth saying, on a clock of the test's own. */
class ScrapeStatsTest {
  private final AtomicLong now = new AtomicLong(5_000_000_000L);
  private final List<Replica> replicas;
  private final ScrapeStats stats;

  ScrapeStatsTest() {
    RouterConfig config = ConfigLoader.create().parse("replicas:\n"
        + "  - { id: a, url: \"http://127.0.0.1:1\", model: m }\n"
        + "  - { id: b, url: \"http://127.0.0.1:2\", model: m }\n", "t.yaml");
    replicas = new ReplicaPool(config.replicas(), config.ejection(), now::get).replicas();
    stats = new ScrapeStats((r, nanos) -> { }, now::get);
    replicas.forEach(stats::track);
  }

  @Test
  void failuresBeforeTheFirstAnswerAreQuietUntilTheStartUpGraceEnds() {
    Replica a = replicas.get(0);
    stats.failed(a, ScrapeFailure.TIMEOUT, "cold", 200_000_000L);
    now.addAndGet(ScrapeStats.STARTUP_GRACE.toNanos() - 1);
    stats.failed(a, ScrapeFailure.TIMEOUT, "cold", 200_000_000L);
    assertThat(stats.reportedFailing(a)).isFalse();
    assertThat(stats.failures(a, ScrapeFailure.TIMEOUT)).isEqualTo(2); // counted all the same
    now.addAndGet(1);
    stats.failed(a, ScrapeFailure.CONNECT, "refused", 1_000_000L);
    assertThat(stats.reportedFailing(a)).isTrue();
    stats.succeeded(a, 1_000_000L);
    assertThat(stats.reportedFailing(a)).isFalse();
  }

  @Test
  void afterAnAnswerAFailureIsReportedAtOnce() {
    Replica b = replicas.get(1);
    stats.succeeded(b, 1_000_000L);
    stats.failed(b, ScrapeFailure.STATUS, "status 404", 1_000_000L);
    assertThat(stats.reportedFailing(b)).isTrue();
    assertThat(stats.reportedFailing(replicas.get(0))).isFalse();
    assertThat(stats.successes(b)).isEqualTo(1);
    assertThat(stats.failures(b, ScrapeFailure.STATUS)).isEqualTo(1);
  }
}
