/**
 * The engine: continuous batching with chunked prefill, a paged KV cache with preemption and step
 * times from a calibrated cost model per GPU profile; pure, on a virtual clock.
 */
package io.fleetlb.sim.engine;
