package io.fleetlb.analysis.sweep;

/**
 * An arm's capacity under the SLO: the highest offered rate at which it, and every lower rate
 * swept, met the goodput target in valid runs (null when the lowest rate already missed); {@code
 * atLeast} when even the highest rate swept met it (the true capacity is higher); and the rate
 * where goodput crosses the target by linear interpolation between the neighbouring rates.
 */
public record ArmCapacity(
    String arm, Double capacityRps, boolean atLeast, Double interpolatedRps) {}
