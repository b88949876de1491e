/**
 * lb-queue-aware: lb-core with a vLLM {@code /metrics} scraper and a least-loaded policy, the
 * managed router. {@link io.fleetlb.lb.queueaware.QueueAware} wires the parts:
 * {@code scrape} (one timer per replica, immutable snapshots on a lock-free board),
 * {@code policy} (the load estimate and the pick), {@code config} (the {@code scrape:} and
 * {@code policy:} sections) and {@code metrics} (the router's view on the admin endpoint).
 */
package io.fleetlb.lb.queueaware;
