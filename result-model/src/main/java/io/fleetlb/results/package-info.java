/**
 * The result model bench writes and analysis reads, one definition for both: {@link
 * io.fleetlb.results.RunResult} (a run's {@code result.json}, read and written by {@link
 * io.fleetlb.results.ResultJson}), {@link io.fleetlb.results.RequestRecord} (one line of {@code
 * result.requests.jsonl}), numpy's statistics ({@link io.fleetlb.results.NumpyStats}) and the
 * goodput SLO syntax ({@link io.fleetlb.results.Slo}). docs/bench-format.md describes every key.
 */
package io.fleetlb.results;
