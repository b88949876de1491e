package io.fleetlb.results;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;

/**
 * The telemetry a run sampled, summarised: per GPU, for the fleet, per vLLM server, and how
 * unevenly each model's replicas queued. Unknown values are null.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({
  "intervalS",
  "samples",
  "failedSamples",
  "file",
  "gpus",
  "run",
  "servers",
  "balance"
})
public record TelemetryFigures(
    double intervalS,
    long samples,
    long failedSamples,
    String file,
    Map<String, Gpu> gpus,
    Fleet run,
    Map<String, Server> servers,
    Map<String, QueueBalance> balance) {

  /**
   * One GPU over the run; {@code energyMethod} is {@code counter}, {@code trapezoid} or {@code
   * none}.
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonPropertyOrder({
    "samples",
    "modelName",
    "meanUtilPct",
    "meanSmActive",
    "meanPowerW",
    "maxPowerW",
    "energyJ",
    "energyMethod",
    "maxGapS"
  })
  public record Gpu(
      long samples,
      String modelName,
      Double meanUtilPct,
      Double meanSmActive,
      Double meanPowerW,
      Double maxPowerW,
      Double energyJ,
      String energyMethod,
      Double maxGapS) {}

  /** The fleet over the run: GPUs sampled, mean utilisation, total power and energy, efficiency. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonPropertyOrder({
    "gpus",
    "meanUtilPct",
    "meanSmActive",
    "meanPowerW",
    "energyJ",
    "outputTokensPerSPerGpu",
    "outputTokensPerSPerKw",
    "joulesPerOutputToken"
  })
  public record Fleet(
      int gpus,
      Double meanUtilPct,
      Double meanSmActive,
      Double meanPowerW,
      Double energyJ,
      Double outputTokensPerSPerGpu,
      Double outputTokensPerSPerKw,
      Double joulesPerOutputToken) {}

  /** One vLLM server's queues and counters over the run (counter deltas). */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonPropertyOrder({
    "model",
    "samples",
    "meanRunning",
    "meanWaiting",
    "maxWaiting",
    "meanKvUsage",
    "maxKvUsage",
    "preemptions",
    "generationTokens"
  })
  public record Server(
      String model,
      long samples,
      Double meanRunning,
      Double meanWaiting,
      Double maxWaiting,
      Double meanKvUsage,
      Double maxKvUsage,
      Double preemptions,
      Double generationTokens) {}

  /**
   * One model's replicas side by side: the mean over samples of the CV of running + waiting, and
   * the seconds during which one replica queued while a sibling was idle.
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonPropertyOrder({"queueCvMean", "idleWhileQueuedS", "ticks"})
  public record QueueBalance(double queueCvMean, double idleWhileQueuedS, long ticks) {}
}
