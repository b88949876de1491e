package io.fleetlb.bench.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetlb.bench.metrics.Goodput;
import io.fleetlb.bench.metrics.Validity;
import java.util.List;
import java.util.Map;

/** The context of one run that the result records besides the measurements. */
public record RunInfo(
    String label,
    String url,
    String endpoint,
    Map<String, String> metadata,
    Integer maxConcurrency,
    List<String> percentileMetrics,
    List<Double> metricPercentiles,
    Goodput goodput,
    Long warmupNs,
    Long cooldownNs,
    Validity.Thresholds thresholds,
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
