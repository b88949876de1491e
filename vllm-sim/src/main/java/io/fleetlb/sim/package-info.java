/**
 * vllm-sim: a vLLM replica simulator with vLLM's HTTP API, SSE stream and Prometheus metrics, and
 * a continuous-batching engine in time. {@link io.fleetlb.sim.SimReplica} is one replica;
 * {@link io.fleetlb.sim.Main} the command line for one or a fleet.
 */
package io.fleetlb.sim;
