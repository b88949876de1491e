/**
 * The oracle arm for the simulated fleet: a policy that asks each replica's exact engine state
 * (vllm-sim's {@code POST /sim/estimate}) at pick time, to measure how far the real policies are
 * from the best pick.
 */
package io.fleetlb.lb.queueaware.oracle;
