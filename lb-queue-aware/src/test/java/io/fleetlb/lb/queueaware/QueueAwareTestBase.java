package io.fleetlb.lb.queueaware;

import io.fleetlb.lb.config.DataSize;
import io.fleetlb.lb.queueaware.config.PolicyConfig;
import io.fleetlb.lb.queueaware.config.ScrapeConfig;
import io.fleetlb.lb.testing.ProxyTestBase;
import io.fleetlb.lb.testing.RouterHarness;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * An lb-queue-aware router over scripted upstreams (lb-core's harness: loopback, port 0, the
 * accounting check after every test), scraping every 100 ms.
 */
abstract class QueueAwareTestBase extends ProxyTestBase {
  /** Fast scrapes; a generous timeout and staleness bound for a busy 2-core machine. */
  static final ScrapeConfig FAST = new ScrapeConfig(Duration.ofMillis(100), 0.1,
      Duration.ofSeconds(1), Duration.ofSeconds(5), DataSize.mib(1), null);

  protected QueueAware.Parts parts;

  /** Starts the router with the queue-aware parts for the builder's replicas. */
  protected RouterHarness startQueueAware(RouterHarness.Builder builder, int replicas,
      ScrapeConfig scrape) {
    return startQueueAware(builder, scrape, PolicyConfig.DEFAULT);
  }

  /** Starts the router with the parts {@code policy} configures (the oracle, prefix meters). */
  protected RouterHarness startQueueAware(RouterHarness.Builder builder, ScrapeConfig scrape,
      PolicyConfig policy) {
    parts = QueueAware.parts(scrape, policy);
    builder.policy(parts.routing()).extension(parts.scraper()).extension(parts.metrics());
    parts.extensions().forEach(builder::extension);
    return start(builder);
  }

  /** The replica that answered. */
  static String replica(HttpResponse<String> r) {
    return r.headers().firstValue("x-lb-replica").orElse("(none)");
  }
}
