/**
 * The built-in upstream: an OpenAI-compatible streaming server with a fixed TTFT and inter-token
 * delay, in vLLM's chunk shapes; used by calibrate, the client warm-up and tests.
 */
package io.fleetlb.bench.mock;
