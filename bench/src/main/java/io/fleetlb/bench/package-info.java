/**
 * {@code bench.jar}: frozen workloads, open-loop replay with {@code vllm bench serve}'s metric
 * definitions, telemetry and self-calibration. {@link io.fleetlb.bench.Main} dispatches to the
 * commands of {@code cli}; the result files are {@code io.fleetlb.results}' model.
 */
package io.fleetlb.bench;
