/**
 * What a run leaves: the typed result built from its recording, the files beside it, and the
 * console report in {@code vllm bench serve}'s layout plus ours.
 */
package io.fleetlb.bench.report;
