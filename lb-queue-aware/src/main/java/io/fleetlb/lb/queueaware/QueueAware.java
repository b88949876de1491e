package io.fleetlb.lb.queueaware;

import io.fleetlb.lb.Router;
import io.fleetlb.lb.config.ConfigLoader;
import io.fleetlb.lb.config.RouterConfig;
import io.fleetlb.lb.policy.RouterExtension;
import io.fleetlb.lb.policy.RoutingPolicy;
import io.fleetlb.lb.queueaware.config.PolicyConfig;
import io.fleetlb.lb.queueaware.config.ScrapeConfig;
import io.fleetlb.lb.queueaware.metrics.PrefixMetrics;
import io.fleetlb.lb.queueaware.metrics.QueueAwareMetrics;
import io.fleetlb.lb.queueaware.oracle.OraclePolicy;
import io.fleetlb.lb.queueaware.policy.QueueAwarePolicy;
import io.fleetlb.lb.queueaware.scrape.LoadBoard;
import io.fleetlb.lb.queueaware.scrape.MetricsScraper;
import java.util.ArrayList;
import java.util.List;

/**
 * Wires lb-queue-aware's parts into an lb-core router: the {@code scrape:} and {@code policy:}
 * sections, the scraper filling a {@link LoadBoard}, the policy reading it on the same clock,
 * and the admin metrics. {@link Main} and the tests build routers through it.
 */
public final class QueueAware {
  /** The policy's name in logs and {@code lb_router_info}. */
  public static final String NAME = "lb-queue-aware";

  private QueueAware() {}

  /** A configuration loader that validates the {@code scrape:} and {@code policy:} sections. */
  public static ConfigLoader configLoader() {
    return ConfigLoader.create().withSection("scrape", ScrapeConfig.class)
        .withSection("policy", PolicyConfig.class);
  }

  /** The configuration's {@code scrape:} section, or its defaults. */
  public static ScrapeConfig scrape(RouterConfig config) {
    return config.section("scrape", ScrapeConfig.class).orElse(ScrapeConfig.DEFAULT);
  }

  /** The configuration's {@code policy:} section, or its defaults. */
  public static PolicyConfig policy(RouterConfig config) {
    return config.section("policy", PolicyConfig.class).orElse(PolicyConfig.DEFAULT);
  }

  /**
   * The parts of one queue-aware router: the queue-aware policy, the scraper feeding it (started
   * first), the admin metrics (started after the scraper), and, by configuration, the policy the
   * router runs when it is not the queue-aware one (the oracle) and the further extensions (the
   * oracle's client, the prefix index's meters).
   *
   * @param policy the queue-aware policy (the oracle's fallback in oracle mode)
   * @param scraper the extension that polls the replicas
   * @param metrics the extension that registers the admin meters
   * @param routing the policy the router runs: {@code policy} or the oracle
   * @param extensions further extensions, started after {@code metrics}
   */
  public record Parts(QueueAwarePolicy policy, MetricsScraper scraper,
      QueueAwareMetrics metrics, RoutingPolicy routing, List<RouterExtension> extensions) {
    /** The parts of a plain queue-aware router. */
    public Parts(QueueAwarePolicy policy, MetricsScraper scraper, QueueAwareMetrics metrics) {
      this(policy, scraper, metrics, policy, List.of());
    }
  }

  /** Builds the parts; policy and scraper share one clock. */
  public static Parts parts(ScrapeConfig scrape, PolicyConfig policy) {
    LoadBoard board = new LoadBoard();
    QueueAwarePolicy p = QueueAwarePolicy.create(board, policy, scrape.staleAfter());
    MetricsScraper scraper = new MetricsScraper(board, scrape, p::now);
    RoutingPolicy routing = p;
    List<RouterExtension> more = new ArrayList<>();
    if (PolicyConfig.ORACLE.equals(policy.mode())) {
      OraclePolicy oracle = new OraclePolicy(p, policy.oracleTimeout());
      routing = oracle;
      more.add(oracle);
    }
    if (p.affinity() != null) {
      more.add(new PrefixMetrics(p.affinity()));
    }
    return new Parts(p, scraper, new QueueAwareMetrics(p, scraper), routing, List.copyOf(more));
  }

  /** Sets the configured policy, the scraper and the metrics on a router builder. */
  public static Parts install(Router.Builder builder, RouterConfig config) {
    Parts parts = parts(scrape(config), policy(config));
    builder.policy(parts.routing()).policyName(NAME).extension(parts.scraper())
        .extension(parts.metrics());
    parts.extensions().forEach(builder::extension);
    return parts;
  }
}
