package io.fleetlb.bench.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code definitions} block of every result: what each figure means, in one sentence each. */
public final class Definitions {
  private Definitions() {}

  public static Map<String, String> block() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put(
        "clock",
        "All times are monotonic (System.nanoTime) offsets from the schedule's zero; per-request"
            + " records keep nanoseconds.");
    d.put(
        "start",
        "vLLM's start_time: when the request began to be issued (after any --max-concurrency wait),"
            + " before connection acquisition and write.");
    d.put(
        "ttft",
        "vLLM: first token event (an SSE data message with a non-empty choices array, even if its"
            + " text is empty) minus start.");
    d.put(
        "itl",
        "vLLM: gaps between consecutive token events of a request, all requests' gaps pooled"
            + " (chunk-weighted).");
    d.put(
        "tpot",
        "vLLM: (E2EL - TTFT) / (output tokens - 1), for successful requests with more than one"
            + " output token.");
    d.put("e2el", "vLLM: last token event minus start (not the [DONE] or usage chunk).");
    d.put(
        "output_tokens",
        "usage.completion_tokens from the stream's usage chunk; if absent, the number of token"
            + " events (flagged in validity.warnings).");
    d.put("input_tokens", "usage.prompt_tokens; if absent, the workload's expected input tokens.");
    d.put(
        "duration",
        "From the schedule's zero until the last request finished (includes the drain tail); the"
            + " denominator of every whole-run throughput.");
    d.put("request_throughput", "Successful requests / duration.");
    d.put("output_throughput", "Sum of output tokens of successful requests / duration.");
    d.put("total_token_throughput", "(Input + output tokens of successful requests) / duration.");
    d.put(
        "request_goodput",
        "Successful requests meeting every --goodput SLO (ttft, tpot, e2el in ms; tpot counts 0 for"
            + " <= 1 token) / duration.");
    d.put(
        "max_output_tokens_per_s",
        "vLLM: token events of successful requests in 1 s bins from the earliest successful start;"
            + " the fullest bin.");
    d.put(
        "max_concurrent_requests",
        "vLLM: most successful requests overlapping, over the half-open intervals [start, start +"
            + " E2EL).");
    d.put("client_queue_time", "vLLM: start minus arrival, the wait for a --max-concurrency slot.");
    d.put(
        "statistics",
        "mean, median, population std and percentiles as numpy computes them (linear"
            + " interpolation); failed requests excluded.");
    d.put(
        "ttft_intended",
        "First token event minus the scheduled time: latency including any lateness of the"
            + " generator (coordinated omission corrected); for a session's later turn, minus the"
            + " time it became due.");
    d.put(
        "e2el_intended", "Last token event minus the scheduled time (or the time it became due).");
    d.put(
        "schedule_lag",
        "Arrival (the pacer's hand-off reached an event loop) minus the scheduled time, for every"
            + " request; for a session's later turn, minus the time it became due.");
    d.put(
        "sessions",
        "Multi-turn sessions: session starts follow the workload's arrival process (open loop"
            + " across sessions); within a session, turn t > 0 becomes due when turn t-1 is done"
            + " (its response ended or failed) plus its frozen think time (closed loop), and that"
            + " due time is its scheduled time. offered_rate and achieved_rate count only requests"
            + " due at fixed offsets (first turns and single requests).");
    d.put(
        "turns_after_failure",
        "A turn whose previous turn failed is still sent when due (its history is frozen text, not"
            + " the server's answer), so every arm is offered the same requests; sessions."
            + "turns_after_failure counts them.");
    d.put("send_delay", "Sent (connection obtained and request written) minus start.");
    d.put(
        "offered_rate", "Requests / the schedule's span (the time of the last scheduled request).");
    d.put("achieved_rate", "Requests that arrived / the arrival time of the last one.");
    d.put(
        "valid",
        "false when an open-loop run's schedule lag (validity.schedule_lag: p99, or a lower"
            + " percentile with at least ten requests above it) exceeds both --max-schedule-lag-ms"
            + " and --max-schedule-lag-share of the median TTFT, or achieved/offered is below"
            + " --min-achieved-ratio; failures are reported separately (has_failures).");
    d.put(
        "goodput_slo",
        "The --goodput limits request_goodput counted against (ms; null without --goodput).");
    d.put(
        "steady_state",
        "The window [warm-up, span - cool-down] of the schedule: latencies of requests scheduled in"
            + " it, rates of what happened in it divided by its length.");
    d.put(
        "share",
        "A group's requests / all requests; share_of_model: a replica's requests / its model's"
            + " requests.");
    d.put(
        "jain_index",
        "Jain's fairness index over a model's per-replica request counts: (sum x)^2 / (n * sum"
            + " x^2); 1 is perfectly even, 1/n all on one replica.");
    d.put(
        "cv",
        "Coefficient of variation of a model's per-replica request counts: population std / mean.");
    d.put(
        "timeseries",
        "Second k covers [k, k+1) s of the run clock; percentiles in it come from HdrHistogram (3"
            + " significant digits).");
    d.put(
        "gpu_energy_j",
        "Energy counter delta (DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION) over the run when present,"
            + " else the trapezoidal integral of power samples.");
    d.put("output_tokens_per_s_per_gpu", "output_throughput / number of GPUs sampled.");
    d.put("output_tokens_per_s_per_kw", "output_throughput / (mean total GPU power in kW).");
    d.put("joules_per_output_token", "Total GPU energy over the run / total output tokens.");
    return d;
  }
}
