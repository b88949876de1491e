/** The router's per-replica view (scraped load, local counts, estimates, picks) on admin {@code /metrics}. */
package io.fleetlb.lb.queueaware.metrics;
