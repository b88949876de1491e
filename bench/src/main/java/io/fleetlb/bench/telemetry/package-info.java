/**
 * Telemetry on the run's clock: DCGM-format GPU pages, vLLM {@code /metrics} and nvidia-smi sampled
 * on their own event loop, written as they arrive and summarised per GPU, server and model.
 */
package io.fleetlb.bench.telemetry;
