/**
 * The figures of a run from its request outcomes: vLLM's metrics exactly as
 * {@code calculate_metrics} defines them, latency from the scheduled time, the steady-state window,
 * per-second series, breakdowns and balance, and the validity gates.
 */
package io.fleetlb.bench.metrics;
