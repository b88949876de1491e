package io.fleetlb.analysis.sweep;

import java.util.List;

/**
 * A sweep's outcome: every point of both arms by rate, each arm's capacity, and the managed arm's
 * capacity gain over the baseline in percent (null when either capacity is unknown).
 */
public record SweepResult(
    String directory,
    double goodputTargetPct,
    List<Double> rates,
    List<SweepPoint> baseline,
    List<SweepPoint> managed,
    ArmCapacity baselineCapacity,
    ArmCapacity managedCapacity,
    Double gainPct,
    String gainNote,
    List<String> warnings) {}
