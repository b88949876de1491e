package io.fleetlb.lb.queueaware.scrape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetlb.lb.config.ConfigLoader;
import io.fleetlb.lb.config.DataSize;
import io.fleetlb.lb.config.RouterConfig;
import io.fleetlb.lb.policy.RouterContext;
import io.fleetlb.lb.pool.Replica;
import io.fleetlb.lb.pool.ReplicaPool;
import io.fleetlb.lb.queueaware.config.ScrapeConfig;
import io.fleetlb.lb.testing.ScriptedUpstream;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The scraper against scripted replicas over loopback: snapshots carry what each replica's
 * {@code /metrics} says, and a dead, slow, broken or oversized endpoint on one replica is
 * classified and never delays or blinds another.
 */
class MetricsScraperTest {
  private static final Duration STALE = Duration.ofSeconds(3);
  private final Vertx vertx = Vertx.vertx();
  private final List<ScriptedUpstream> upstreams = new ArrayList<>();
  private final List<String> urls = new ArrayList<>();
  private MetricsScraper scraper;
  private ReplicaPool pool;

  @AfterEach
  void stop() {
    if (scraper != null) {
      ScriptedUpstream.join(scraper.stop());
    }
    upstreams.forEach(ScriptedUpstream::close);
    ScriptedUpstream.join(vertx.close());
  }

  private ScriptedUpstream replica(ScriptedUpstream.Script metrics) {
    ScriptedUpstream u = ScriptedUpstream.start(vertx, "m", call -> { }).metrics(metrics);
    upstreams.add(u);
    urls.add(u.url());
    return u;
  }

  private void deadReplica() {
    try (ServerSocket s = new ServerSocket(0)) {
      urls.add("http://127.0.0.1:" + s.getLocalPort());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private LoadBoard start(Duration interval, Duration timeout, DataSize maxBody) {
    StringBuilder yaml = new StringBuilder("replicas:\n");
    for (int i = 0; i < urls.size(); i++) {
      yaml.append("  - { id: r").append(i).append(", url: \"").append(urls.get(i))
          .append("\", model: m }\n");
    }
    RouterConfig config = ConfigLoader.create().parse(yaml.toString(), "t.yaml");
    pool = new ReplicaPool(config.replicas(), config.ejection(), System::nanoTime);
    LoadBoard board = new LoadBoard();
    scraper = new MetricsScraper(board, new ScrapeConfig(interval, 0.1, timeout, STALE, maxBody,
        null), System::nanoTime);
    ScriptedUpstream.join(scraper.start(new RouterContext(vertx, config, pool, pool,
        new SimpleMeterRegistry())));
    return board;
  }

  private Replica r(int i) {
    return pool.replicas().get(i);
  }

  @Test
  void snapshotsCarryWhatEachReplicaReportsFromTheFirstRoundOn() {
    AtomicReference<String> a = new AtomicReference<>(Expositions.v1("m", 7, 3, 0.25));
    List<String> accepts = new CopyOnWriteArrayList<>();
    replica(call -> {
      accepts.add(call.headers.get("accept"));
      Expositions.serving(a).run(call);
    });
    replica(Expositions.serving(new AtomicReference<>(Expositions.v0("m", 1, 2, 3, 0.5))));
    long before = System.nanoTime();
    LoadBoard board = start(Duration.ofMillis(50), Duration.ofSeconds(1), DataSize.mib(1));

    ReplicaLoad first = board.get(r(0));
    assertThat(first).as("published before the router serves").isNotNull();
    assertThat(first.running()).isEqualTo(7);
    assertThat(first.waiting()).isEqualTo(3);
    assertThat(first.kvUsage()).isEqualTo(0.25);
    assertThat(first.kvCapacityTokens()).isEqualTo(6400 * 16);
    assertThat(first.scrapedAtNanos()).isGreaterThanOrEqualTo(before);
    assertThat(board.get(r(1)).waiting()).as("V0: waiting + swapped").isEqualTo(5);
    assertThat(accepts.get(0)).startsWith("text/plain;version=0.0.4");

    a.set(Expositions.v1("m", 0, 40, 0.9));
    await().atMost(10, TimeUnit.SECONDS).until(() -> board.get(r(0)).waiting() == 40);
    assertThat(board.get(r(0)).scrapedAtNanos()).isGreaterThan(first.scrapedAtNanos());
    assertThat(scraper.stats().successes(r(0))).isGreaterThan(1);
  }

  @Test
  void aDeadSlowOrBrokenEndpointIsClassifiedAndNeverHoldsAnotherBack() {
    AtomicInteger open = new AtomicInteger();
    AtomicInteger maxOpen = new AtomicInteger();
    replica(Expositions.serving(new AtomicReference<>(Expositions.v1("m", 1, 0, 0.1))));
    deadReplica();
    replica(call -> {
      // Never answers; counts how many scrapes of it are open at once.
      maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
      call.request.connection().closeHandler(v -> open.decrementAndGet());
    });
    replica(call -> call.request.response().end("vllm:num_requests_running{model_name=\"m\" 1\n"));
    replica(call -> call.request.response().end("x".repeat(4096)));
    replica(call -> call.request.response().setStatusCode(500).end("oops"));
    replica(call -> call.request.response().end("# TYPE up gauge\nup 1\n"));
    LoadBoard board = start(Duration.ofMillis(50), Duration.ofMillis(150), DataSize.kib(2));

    ScrapeStats stats = scraper.stats();
    await().atMost(20, TimeUnit.SECONDS).untilAsserted(() -> {
      assertThat(stats.failures(r(1), ScrapeFailure.CONNECT)).isGreaterThanOrEqualTo(3);
      assertThat(stats.failures(r(2), ScrapeFailure.TIMEOUT)).isGreaterThanOrEqualTo(3);
      assertThat(stats.failures(r(3), ScrapeFailure.PARSE)).isGreaterThanOrEqualTo(3);
      assertThat(stats.failures(r(4), ScrapeFailure.TOO_LARGE)).isGreaterThanOrEqualTo(3);
      assertThat(stats.failures(r(5), ScrapeFailure.STATUS)).isGreaterThanOrEqualTo(3);
      assertThat(stats.failures(r(6), ScrapeFailure.NOT_VLLM)).isGreaterThanOrEqualTo(3);
    });
    // The healthy replica was scraped on its own cadence all along: its snapshot is fresh and
    // it has far more scrapes than the timing-out one.
    assertThat(stats.successes(r(0))).isGreaterThan(stats.failures(r(2), ScrapeFailure.TIMEOUT));
    assertThat(System.nanoTime() - board.get(r(0)).scrapedAtNanos())
        .isLessThan(STALE.toNanos());
    for (ScrapeFailure f : ScrapeFailure.values()) {
      assertThat(stats.failures(r(0), f)).as("healthy replica, %s", f).isZero();
    }
    for (int i = 1; i <= 6; i++) {
      assertThat(board.get(r(i))).as("no snapshot for r%d", i).isNull();
    }
    assertThat(maxOpen.get()).as("scrapes of one replica in flight at once").isEqualTo(1);
  }

  @Test
  void stoppingEndsTheTimersAndAFailedSnapshotKeepsThePreviousOne() {
    AtomicReference<String> text = new AtomicReference<>(Expositions.v1("m", 2, 0, 0.1));
    ScriptedUpstream up = replica(Expositions.serving(text));
    LoadBoard board = start(Duration.ofMillis(50), Duration.ofSeconds(1), DataSize.mib(1));
    text.set("garbage {");
    await().atMost(10, TimeUnit.SECONDS).until(
        () -> scraper.stats().failures(r(0), ScrapeFailure.PARSE) > 0);
    assertThat(board.get(r(0)).running()).as("the last good snapshot stays").isEqualTo(2);

    ScriptedUpstream.join(scraper.stop());
    int calls = up.metricsCalls();
    scraper = null;
    // At most the scrape that was already in flight may still arrive.
    await().during(Duration.ofMillis(500)).atMost(5, TimeUnit.SECONDS)
        .until(() -> up.metricsCalls() <= calls + 1);
  }
}
