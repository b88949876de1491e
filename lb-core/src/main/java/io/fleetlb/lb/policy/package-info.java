/**
 * The seams a router module plugs into lb-core: a {@link io.fleetlb.lb.policy.RoutingPolicy}
 * that picks one replica from the available ones, the read-only
 * {@link io.fleetlb.lb.policy.LoadView} of the router's own counts, and
 * {@link io.fleetlb.lb.policy.RouterExtension}s (such as a metrics scraper) that live as long as
 * the router.
 */
package io.fleetlb.lb.policy;
