package io.fleetlb.results;

import java.util.Map;

/**
 * One run's {@code result.json}: vLLM's keys ({@code vllm bench serve --save-result}, same meaning)
 * followed by ours. The flat parts ({@code header}, {@code metadata}, {@code totals}, vLLM's
 * statistic keys in {@code stats}, the {@code detailed} arrays and our {@code headline} figures)
 * share the top level of the JSON object; the rest are its named blocks. {@link ResultJson} reads
 * and writes it; docs/bench-format.md lists every key.
 *
 * @param metadata {@code --metadata KEY=VALUE} pairs, written at the top level as vLLM does
 * @param detailed vLLM's per-request arrays, or null without {@code --save-detailed}
 * @param stats vLLM's statistic keys ({@code p99_ttft_ms}) and ours ({@code p99_ttft_intended_ms},
 *     {@code p99_schedule_lag_ms}, {@code max_schedule_lag_ms})
 * @param telemetry null when nothing was sampled
 * @param sessions null unless the workload has multi-turn sessions
 */
public record RunResult(
    RunHeader header,
    Map<String, String> metadata,
    RunTotals totals,
    RunDetailed detailed,
    Map<String, Double> stats,
    RunHeadline headline,
    ValidityReport validity,
    BenchInfo bench,
    WorkloadInfo workload,
    SteadyStateFigures steadyState,
    Map<String, GroupFigures> perModel,
    Map<String, GroupFigures> perClass,
    Map<String, GroupFigures> perReplica,
    Map<String, ModelBalance> balance,
    ConnectionFigures connections,
    PerSecondSeries timeseries,
    TelemetryFigures telemetry,
    FileNames files,
    Map<String, String> definitions,
    SessionFigures sessions) {

  public RunResult {
    metadata = metadata == null ? Map.of() : metadata;
    stats = stats == null ? Map.of() : stats;
    perModel = perModel == null ? Map.of() : perModel;
    perClass = perClass == null ? Map.of() : perClass;
    perReplica = perReplica == null ? Map.of() : perReplica;
    balance = balance == null ? Map.of() : balance;
    definitions = definitions == null ? Map.of() : definitions;
  }

  /** A result without multi-turn sessions. */
  public RunResult(
      RunHeader header,
      Map<String, String> metadata,
      RunTotals totals,
      RunDetailed detailed,
      Map<String, Double> stats,
      RunHeadline headline,
      ValidityReport validity,
      BenchInfo bench,
      WorkloadInfo workload,
      SteadyStateFigures steadyState,
      Map<String, GroupFigures> perModel,
      Map<String, GroupFigures> perClass,
      Map<String, GroupFigures> perReplica,
      Map<String, ModelBalance> balance,
      ConnectionFigures connections,
      PerSecondSeries timeseries,
      TelemetryFigures telemetry,
      FileNames files,
      Map<String, String> definitions) {
    this(
        header,
        metadata,
        totals,
        detailed,
        stats,
        headline,
        validity,
        bench,
        workload,
        steadyState,
        perModel,
        perClass,
        perReplica,
        balance,
        connections,
        timeseries,
        telemetry,
        files,
        definitions,
        null);
  }

  /** The run's label (bench {@code --label}; vLLM's {@code label}). */
  public String label() {
    return header.label();
  }

  /** Whether the run is valid (its generator kept the schedule). */
  public boolean valid() {
    return headline.valid();
  }

  /** The replayed workload's content hash, or "" when unknown. */
  public String workloadHash() {
    return headline.workloadHash() == null ? "" : headline.workloadHash();
  }

  /** A flat statistic by key ({@code p99_ttft_ms}), or NaN when absent. */
  public double stat(String key) {
    Double v = stats.get(key);
    return v == null ? Double.NaN : v;
  }
}
