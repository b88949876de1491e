package io.fleetlb.sim.engine;

import java.util.List;

/**
 * What one engine step computes, decided at its start.
 *
 * @param startNanos virtual time the step starts
 * @param durationNanos how long the step runs on the GPU
 * @param work the sequences scheduled and how many tokens each computes
 * @param scheduledTokens total tokens computed
 * @param decodeSeqs sequences decoding a single token
 */
public record StepPlan(
    long startNanos, long durationNanos, List<Work> work, int scheduledTokens, int decodeSeqs) {

  /** One scheduled sequence and the tokens it computes this step. */
  public record Work(Sequence sequence, int tokens) {}

  /** Virtual time the step ends and its tokens come out. */
  public long endNanos() {
    return startNanos + durationNanos;
  }

  public boolean isEmpty() {
    return work.isEmpty();
  }
}
