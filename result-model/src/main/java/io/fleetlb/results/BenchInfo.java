package io.fleetlb.results;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The load generator that produced a result and where it ran: its name and version, the result's
 * format version, the URL it measured, when the run's zero was, and the JVM, collectors and CPUs.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({
  "name",
  "version",
  "resultFormatVersion",
  "url",
  "endpoint",
  "startedAt",
  "t0EpochMs",
  "numWarmups",
  "java",
  "gc",
  "cpus"
})
public record BenchInfo(
    String name,
    String version,
    int resultFormatVersion,
    String url,
    String endpoint,
    String startedAt,
    Long t0EpochMs,
    Integer numWarmups,
    String java,
    String gc,
    Integer cpus) {

  /**
   * The result format this code writes: 2 added goodput_slo, validity.schedule_lag and the
   * lag-share gate.
   */
  public static final int FORMAT_VERSION = 2;
}
