/**
 * The exposition: vLLM's V1 and V0 Prometheus metrics, process metrics and a DCGM-format GPU page,
 * formatted as Python's prometheus_client formats them.
 */
package io.fleetlb.sim.metrics;
