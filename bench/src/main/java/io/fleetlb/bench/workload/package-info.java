/**
 * Workloads: datasets (random, sonnet, ShareGPT, traces), request classes and length
 * distributions, frozen into a hashed JSON-lines file that every run replays byte for byte.
 */
package io.fleetlb.bench.workload;
