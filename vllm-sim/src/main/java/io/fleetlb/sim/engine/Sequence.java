package io.fleetlb.sim.engine;

/** The engine's mutable state for one request; owned and touched only by the engine's thread. */
public final class Sequence {

  enum Status {
    WAITING,
    RUNNING,
    FINISHED
  }

  final long id;
  final SequenceSpec spec;
  final long arrivalNanos;
  Status status = Status.WAITING;

  /** Tokens whose KV is computed. */
  int computed;

  /** Tokens generated so far (the EOS token included). */
  int generated;

  /** KV blocks held. */
  int blocks;

  long firstScheduledNanos = -1;
  long firstTokenNanos = -1;
  long lastTokenNanos = -1;
  boolean everPreempted;

  Sequence(long id, SequenceSpec spec, long arrivalNanos) {
    this.id = id;
    this.spec = spec;
    this.arrivalNanos = arrivalNanos;
  }

  /** Tokens that must be in the KV cache before the next token can be sampled. */
  int total() {
    return spec.promptTokens() + generated;
  }

  /** True when the next scheduled token is a plain decode (prefill and recompute are done). */
  boolean decoding() {
    return generated > 0 && computed == total() - 1;
  }

  public long id() {
    return id;
  }

  public SequenceSpec spec() {
    return spec;
  }

  public int generated() {
    return generated;
  }
}
