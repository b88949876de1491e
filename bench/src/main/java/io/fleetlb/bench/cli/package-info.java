/**
 * The commands ({@code workload}, {@code run}, {@code calibrate}, {@code mock-server},
 * {@code verify}, {@code report}): flags in {@code vllm bench serve}'s names where the concept is
 * the same, one-line errors, exit status 0 / 1 / 2.
 */
package io.fleetlb.bench.cli;
