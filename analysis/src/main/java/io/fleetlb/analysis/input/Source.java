package io.fleetlb.analysis.input;

import java.util.List;

/**
 * Which tool measured a run, and what its files cannot tell us. Runs of fleetlb's bench carry
 * everything a comparison uses; imported runs carry per-request latencies and token counts, and the
 * report names what each lacks.
 */
public enum Source {
  FLEETLB_BENCH("fleetlb bench", List.of()),
  VLLM_BENCH_SERVE(
      "vllm bench serve",
      List.of(
          "latency from the scheduled time and the schedule lag (vLLM does not record when each"
              + " request was due)",
          "the workload hash (arms are paired by request order)",
          "per-replica attribution (no x-lb-replica)",
          "the steady-state window and the per-second series",
          "GPU and vLLM queue telemetry")),
  GENAI_PERF(
      "GenAI-Perf",
      List.of(
          "latency from the scheduled time and the schedule lag (perf_analyzer records when"
              + " requests were sent, not when they were due)",
          "the workload hash (arms are paired by request order)",
          "per-replica attribution (no x-lb-replica)",
          "the steady-state window and the per-second series",
          "GPU and vLLM queue telemetry")),
  AIPERF(
      "AIPerf",
      List.of(
          "latency from the scheduled time and the schedule lag (AIPerf records request start"
              + " times, not due times)",
          "the workload hash (arms are paired by request start order)",
          "per-replica attribution (no x-lb-replica)",
          "the steady-state window and the per-second series",
          "GPU and vLLM queue telemetry in our format"));

  private final String tool;
  private final List<String> lacks;

  Source(String tool, List<String> lacks) {
    this.tool = tool;
    this.lacks = lacks;
  }

  /** The tool's name, e.g. {@code vllm bench serve}. */
  public String tool() {
    return tool;
  }

  /** What runs from this tool lack, one phrase each (empty for fleetlb's bench). */
  public List<String> lacks() {
    return lacks;
  }

  /** Whether the run was imported from another tool's files. */
  public boolean imported() {
    return this != FLEETLB_BENCH;
  }
}
