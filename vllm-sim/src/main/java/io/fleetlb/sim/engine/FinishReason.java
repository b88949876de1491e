package io.fleetlb.sim.engine;

/** Why a sequence stopped, with vLLM's wire names. */
public enum FinishReason {
  STOP("stop"),
  LENGTH("length"),
  ABORT("abort");

  private final String wire;

  FinishReason(String wire) {
    this.wire = wire;
  }

  /**
   * The name vLLM puts in {@code finish_reason} and in the {@code finished_reason} metric label.
   */
  public String wire() {
    return wire;
  }
}
