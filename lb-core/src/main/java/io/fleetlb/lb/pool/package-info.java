/**
 * Membership and health: the configured {@link io.fleetlb.lb.pool.Replica}s, their exact request
 * counts, passive ejection and active health probing. Selection lives apart, in a
 * {@link io.fleetlb.lb.policy.RoutingPolicy}.
 */
package io.fleetlb.lb.pool;
