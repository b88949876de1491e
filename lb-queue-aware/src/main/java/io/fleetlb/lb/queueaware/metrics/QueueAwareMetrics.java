package io.fleetlb.lb.queueaware.metrics;

import io.fleetlb.lb.policy.LoadView;
import io.fleetlb.lb.policy.RequestInfo;
import io.fleetlb.lb.policy.RouterContext;
import io.fleetlb.lb.policy.RouterExtension;
import io.fleetlb.lb.pool.PoolListener;
import io.fleetlb.lb.pool.Replica;
import io.fleetlb.lb.queueaware.policy.QueueAwarePolicy;
import io.fleetlb.lb.queueaware.scrape.LoadBoard;
import io.fleetlb.lb.queueaware.scrape.MetricsScraper;
import io.fleetlb.lb.queueaware.scrape.ReplicaLoad;
import io.fleetlb.lb.queueaware.scrape.ScrapeFailure;
import io.fleetlb.lb.queueaware.scrape.ScrapeStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The router's view of each replica on the admin {@code /metrics}: what the last scrape said
 * (running, waiting, KV-cache usage and capacity, the snapshot's age and whether it is stale),
 * scrape outcomes by reason, the router's own first-byte and token counts, the policy's current
 * load estimate and its picks. Labels are {@code model} and {@code replica} from the
 * configuration, plus {@code reason} from {@link ScrapeFailure}. Values read when scraped; a
 * replica never scraped successfully shows NaN for the scraped figures.
 */
public final class QueueAwareMetrics implements RouterExtension, PoolListener {
  private final QueueAwarePolicy policy;
  private final MetricsScraper scraper;
  private final Map<Replica, List<Meter>> meters = new ConcurrentHashMap<>();
  private RouterContext ctx;

  /** Meters for this policy and scraper, registered when the router starts. */
  public QueueAwareMetrics(QueueAwarePolicy policy, MetricsScraper scraper) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.scraper = Objects.requireNonNull(scraper, "scraper");
  }

  @Override
  public Future<Void> start(RouterContext ctx) {
    if (scraper.stats() == null) {
      return Future.failedFuture("the metrics scraper must start before its metrics");
    }
    this.ctx = ctx;
    ctx.replicas().forEach(this::register);
    ctx.members().addListener(this);
    return Future.succeededFuture();
  }

  @Override
  public void replicaAdded(Replica replica) {
    register(replica);
  }

  @Override
  public void replicaRemoved(Replica replica) {
    List<Meter> gone = meters.remove(replica);
    if (gone != null) {
      gone.forEach(ctx.registry()::remove);
    }
    policy.forget(replica);
  }

  private void register(Replica r) {
    meters.computeIfAbsent(r, x -> {
      List<Meter> out = new ArrayList<>();
      register(x, out);
      return out;
    });
  }

  private void register(Replica r, List<Meter> out) {
    MeterRegistry registry = ctx.registry();
    ScrapeStats stats = scraper.stats();
    LoadBoard board = scraper.board();
    LoadView load = ctx.load();
    Tags tags = Tags.of("model", r.model(), "replica", r.id());
    out.add(scraped(registry, board, r, tags, "lb.replica.scraped.running",
        "Requests running on the replica (vllm:num_requests_running) at the last scrape",
        ReplicaLoad::running));
    out.add(scraped(registry, board, r, tags, "lb.replica.scraped.waiting",
        "Requests waiting on the replica (vllm:num_requests_waiting, + swapped on V0) at the "
            + "last scrape", ReplicaLoad::waiting));
    out.add(scraped(registry, board, r, tags, "lb.replica.scraped.kv.cache.usage.ratio",
        "KV-cache usage of the replica (0 to 1) at the last scrape", ReplicaLoad::kvUsage));
    out.add(scraped(registry, board, r, tags, "lb.replica.kv.cache.capacity.tokens",
        "KV-cache capacity of the replica in tokens (vllm:cache_config_info), 0 if unknown",
        s -> s.kvCapacityTokens()));
    out.add(scraped(registry, board, r, tags, "lb.replica.time.per.output.token.seconds",
        "The replica's recent time per output token (vLLM's inter-token latency histogram "
            + "between scrapes, smoothed), NaN until known", ReplicaLoad::tpotSeconds));
    out.add(Gauge.builder("lb.replica.snapshot.age", board, b -> {
      ReplicaLoad s = b.get(r);
      return s == null ? Double.NaN : s.ageNanos(policy.now()) / 1e9;
    }).baseUnit("seconds").description("Age of the replica's last successful scrape")
        .tags(tags).register(registry));
    out.add(Gauge.builder("lb.replica.snapshot.stale", board,
            b -> policy.usable(b.get(r), policy.now()) ? 0 : 1)
        .description("1 when the replica's snapshot is missing or older than "
            + "scrape.stale_after, so it is judged by the router's own counts alone")
        .tags(tags).register(registry));
    out.add(Gauge.builder("lb.replica.awaiting.first.byte", load, l -> l.awaitingFirstByte(r))
        .description("Requests sent to the replica that have not received a response byte "
            + "(queued or in prefill, for streams)").tags(tags).register(registry));
    out.add(Gauge.builder("lb.replica.pending.prompt.tokens", load, l -> l.pendingPromptTokens(r))
        .description("Estimated prompt tokens of the requests awaiting their first byte")
        .tags(tags).register(registry));
    out.add(Gauge.builder("lb.replica.in.flight.tokens", load, l -> l.inFlightTokens(r))
        .description("Estimated prompt + requested output tokens of the requests in flight")
        .tags(tags).register(registry));
    out.add(Gauge.builder("lb.replica.estimated.load", load,
            l -> policy.estimateAmong(r, peers(r), l, RequestInfo.UNKNOWN, policy.now()))
        .description("The policy's load estimate for the replica now (running-request units;"
            + " the lowest gets the next request)").tags(tags).register(registry));
    out.add(FunctionCounter.builder("lb.policy.picks", policy, p -> p.picks(r))
        .description("Requests the queue-aware policy sent to the replica").tags(tags)
        .register(registry));
    out.add(FunctionCounter.builder("lb.scrapes", stats, s -> s.successes(r))
        .description("Successful /metrics scrapes of the replica").tags(tags)
        .register(registry));
    for (ScrapeFailure reason : ScrapeFailure.values()) {
      out.add(FunctionCounter.builder("lb.scrape.failures", stats, s -> s.failures(r, reason))
          .description("Failed /metrics scrapes of the replica, by reason").tags(tags)
          .tag("reason", reason.label()).register(registry));
    }
  }

  /** The members serving the replica's model now (the estimate compares among them). */
  private List<Replica> peers(Replica r) {
    return ctx.replicas().stream().filter(p -> p.model().equals(r.model())).toList();
  }

  private static Meter scraped(MeterRegistry registry, LoadBoard board, Replica r, Tags tags,
      String name, String help, ToDoubleFunction<ReplicaLoad> value) {
    return Gauge.builder(name, board, b -> {
      ReplicaLoad s = b.get(r);
      return s == null ? Double.NaN : value.applyAsDouble(s);
    }).description(help).tags(tags).register(registry);
  }
}
