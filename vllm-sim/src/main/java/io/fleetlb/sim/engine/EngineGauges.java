package io.fleetlb.sim.engine;

/**
 * The engine's instantaneous state as of the end of its last step (vLLM updates its gauges per step
 * too).
 *
 * @param running sequences in the running set
 * @param waiting sequences waiting, preempted ones included
 * @param kvUsage fraction of KV blocks in use, 0 to 1
 * @param kvBlocksUsed KV blocks in use
 */
public record EngineGauges(int running, int waiting, double kvUsage, int kvBlocksUsed) {

  public static final EngineGauges IDLE = new EngineGauges(0, 0, 0.0, 0);
}
