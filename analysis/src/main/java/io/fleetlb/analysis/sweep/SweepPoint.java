package io.fleetlb.analysis.sweep;

/**
 * One arm at one offered rate of a sweep: tail latency, goodput under the SLO, throughput per GPU
 * and per user (InferenceX's interactivity, 1000 / median TPOT), and whether it met the goodput
 * target in a valid run.
 */
public record SweepPoint(
    double rate,
    String arm,
    String path,
    int repetitions,
    boolean valid,
    double p99TtftMs,
    double medianTpotMs,
    double goodputPct,
    double outputThroughput,
    int gpus,
    double outputPerGpu,
    double tokensPerSPerUser,
    double failureRatePct,
    boolean meetsTarget) {}
