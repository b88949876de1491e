package io.fleetlb.bench.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetlb.results.Slo;
import io.fleetlb.results.ValidityReport;
import java.util.List;
import java.util.Map;

/**
 * The context of one run that the result records besides the measurements; {@code goodput} is null
 * without --goodput.
 */
public record RunInfo(
    String label,
    String url,
    String endpoint,
    Map<String, String> metadata,
    Integer maxConcurrency,
    List<String> percentileMetrics,
    List<Double> metricPercentiles,
    Slo goodput,
    Long warmupNs,
    Long cooldownNs,
    ValidityReport.Thresholds thresholds,
    ObjectNode workloadHeader,
    String workloadPath,
    boolean saveDetailed,
    int numWarmups,
    int poolSize,
    String requestsFile,
    String telemetryFile) {

  public RunInfo {
    metadata = Map.copyOf(metadata);
    percentileMetrics = List.copyOf(percentileMetrics);
    metricPercentiles = List.copyOf(metricPercentiles);
  }

  /** vLLM's backend name for the endpoint. */
  public String backend() {
    return endpoint.endsWith("/chat/completions") ? "openai-chat" : "openai";
  }
}
