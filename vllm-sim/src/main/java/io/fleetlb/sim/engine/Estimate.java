package io.fleetlb.sim.engine;

/**
 * What the engine would do with a request if it arrived now (the oracle's view, {@code POST
 * /sim/estimate}); nothing is admitted to compute it.
 *
 * @param promptTokens the request's prompt length
 * @param cachedTokens prompt tokens it would find in the prefix cache now
 * @param waiting sequences waiting now
 * @param running sequences running now
 * @param kvUsage KV-cache usage now, 0 to 1 (free cached blocks count as free)
 * @param ttftNanos engine time from now to its first token if nothing else arrives
 */
public record Estimate(
    int promptTokens, int cachedTokens, int waiting, int running, double kvUsage, long ttftNanos) {}
