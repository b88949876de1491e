package io.fleetlb.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetlb.lb.config.ConfigLoader;
import io.fleetlb.lb.config.RouterConfig;
import io.fleetlb.lb.log.AccessLog;
import io.fleetlb.lb.policy.LoadView;
import io.fleetlb.lb.policy.RouterContext;
import io.fleetlb.lb.policy.RouterExtension;
import io.fleetlb.lb.pool.Replica;
import io.fleetlb.lb.testing.ProxyTestBase;
import io.fleetlb.lb.testing.RouterHarness;
import io.fleetlb.lb.testing.ScriptedUpstream;
import io.fleetlb.lb.testing.Scripts;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The seams lb-queue-aware builds on: policies, the load view and extensions. */
class ExtensionAndPolicyTest extends ProxyTestBase {

  /** An extension like a scraper: a timer, a gauge per replica, stopped with the router. */
  static final class TickingExtension implements RouterExtension {
    final List<String> events = new CopyOnWriteArrayList<>();
    final AtomicInteger ticks = new AtomicInteger();
    RouterContext context;
    long timer;

    @Override
    public Future<Void> start(RouterContext ctx) {
      context = ctx;
      events.add("start " + ctx.replicas().size());
      for (Replica r : ctx.replicas()) {
        Gauge.builder("test.scraped.queue", () -> 7).tag("replica", r.id())
            .description("a gauge registered by an extension").register(ctx.registry());
      }
      timer = ctx.vertx().setPeriodic(10, t -> ticks.incrementAndGet());
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> stop() {
      events.add("stop");
      context.vertx().cancelTimer(timer);
      return Future.succeededFuture();
    }
  }

  @Test
  void extensionsStartBeforeServingAndStopWithTheRouter() {
    ScriptedUpstream up = upstream("m", Scripts.ok());
    TickingExtension ext = new TickingExtension();
    start(RouterHarness.builder().replica("r", up).extension(ext));
    assertThat(ext.events).containsExactly("start 1");
    assertThat(ext.context.load()).isSameAs(h.router().load());
    assertThat(ext.context.config().replicas()).hasSize(1);
    String metrics = h.send(HttpRequest.newBuilder(h.adminUri("/metrics")).build()).body();
    assertThat(metrics).contains("test_scraped_queue{replica=\"r\"} 7.0");
    ScriptedUpstream.join(h.router().close());
    assertThat(ext.events).containsExactly("start 1", "stop");
  }

  @Test
  void aFailingExtensionFailsTheStartAndLeavesNothingListening() {
    ScriptedUpstream up = upstream("m", Scripts.ok());
    RouterConfig config = ConfigLoader.create().parse(RouterHarness.builder().replica("r", up)
        .yaml(), "t.yaml");
    TickingExtension first = new TickingExtension();
    Future<RunningRouter> f = Router.builder(config).policy((c, l) -> c.get(0))
        .accessLog(AccessLog.none()).extension(first)
        .extension(ctx -> Future.failedFuture("scraper: no replica answered /metrics"))
        .start();
    assertThatThrownBy(() -> ScriptedUpstream.join(f))
        .hasMessageContaining("scraper: no replica answered /metrics");
    assertThat(first.events).containsExactly("start 1", "stop");
  }

  @Test
  void policiesSeeOnlyServingReplicasOfTheModelAndTheLoadView() {
    ScriptedUpstream a1 = upstream("A", Scripts.ok());
    ScriptedUpstream a2 = upstream("A", Scripts.ok()).health(503);
    ScriptedUpstream b1 = upstream("B", Scripts.ok());
    List<List<String>> seen = new CopyOnWriteArrayList<>();
    AtomicReference<Long> dispatchedSeen = new AtomicReference<>();
    start(RouterHarness.builder().replica("a1", a1).replica("a2", a2).replica("b1", b1)
        .policy((candidates, load) -> {
          seen.add(candidates.stream().map(Replica::id).toList());
          dispatchedSeen.set(load.dispatched(candidates.get(0)));
          return candidates.get(candidates.size() - 1);
        }));
    h.post("/v1/completions", "{\"model\":\"A\"}");
    h.post("/v1/completions", "{\"model\":\"A\"}");
    h.post("/v1/completions", "{\"model\":\"B\"}");
    assertThat(seen).containsExactly(List.of("a1"), List.of("a1"), List.of("b1"));
    assertThat(dispatchedSeen.get()).as("b1 before its first request").isZero();
  }

  @Test
  void aBrokenPolicyFallsBackToTheFirstCandidateAndIsCounted() {
    ScriptedUpstream up1 = upstream("m", Scripts.ok());
    ScriptedUpstream up2 = upstream("m", Scripts.ok());
    List<Replica> foreign = new ArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    start(RouterHarness.builder().replica("one", up1).replica("two", up2)
        .policy((candidates, load) -> switch (calls.getAndIncrement()) {
          case 0 -> null;
          case 1 -> throw new IllegalStateException("bug");
          default -> foreign.isEmpty() ? candidates.get(1) : foreign.get(0);
        }));
    for (int i = 0; i < 2; i++) {
      assertThat(h.post("/v1/completions", "{\"model\":\"m\"}").headers()
          .firstValue("x-lb-replica")).hasValue("one");
    }
    assertThat(h.post("/v1/completions", "{\"model\":\"m\"}").headers()
        .firstValue("x-lb-replica")).hasValue("two");
    assertThat(h.metric("lb_policy_errors_total")).isEqualTo(2);
  }

  @Test
  void theLoadViewCountsEveryAttempt() {
    ScriptedUpstream up = upstream("m", Scripts.ok());
    start(RouterHarness.builder().replica("r", up));
    LoadView load = h.router().load();
    Replica r = h.router().pool().replicas().get(0);
    for (int i = 0; i < 3; i++) {
      h.post("/v1/completions", "{\"model\":\"m\"}");
    }
    h.assertBalanced();
    assertThat(load.dispatched(r)).isEqualTo(3);
    assertThat(load.completed(r)).isEqualTo(3);
    assertThat(load.finished(r)).isEqualTo(3);
  }
}
