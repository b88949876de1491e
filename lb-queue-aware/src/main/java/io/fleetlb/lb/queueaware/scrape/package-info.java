/**
 * Polling vLLM's {@code /metrics}: one {@link io.fleetlb.lb.queueaware.scrape.ScrapeLoop} per
 * replica, the {@link io.fleetlb.lb.queueaware.scrape.VllmLoadReader} that turns an exposition
 * into an immutable {@link io.fleetlb.lb.queueaware.scrape.ReplicaLoad}, and the
 * {@link io.fleetlb.lb.queueaware.scrape.LoadBoard} the policy reads without locking.
 */
package io.fleetlb.lb.queueaware.scrape;
