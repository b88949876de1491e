package io.fleetlb.results;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The multi-turn sessions of a run whose workload has them: how many sessions and turns were
 * replayed, how many turns were due only after their previous turn ended (closed loop within a
 * session), and how many of those were sent although the previous turn had failed.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SessionFigures(
    int sessions, int turns, int dependentTurns, int failedTurns, int turnsAfterFailure) {}
