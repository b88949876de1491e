/**
 * Arrival schedules: vLLM's gamma/Poisson gaps rescaled to the exact span, rate ramps and traces'
 * own timestamps, computed once when the workload is frozen.
 */
package io.fleetlb.bench.arrival;
