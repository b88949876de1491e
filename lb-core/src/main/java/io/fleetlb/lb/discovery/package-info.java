/**
 * Replicas that join and leave while the router runs: Kubernetes EndpointSlices
 * ({@link io.fleetlb.lb.discovery.KubernetesDiscovery}), DNS names
 * ({@link io.fleetlb.lb.discovery.DnsDiscovery}) and reloaded static configurations, each kept
 * in line with the pool by a {@link io.fleetlb.lb.discovery.ReplicaReconciler}.
 */
package io.fleetlb.lb.discovery;
