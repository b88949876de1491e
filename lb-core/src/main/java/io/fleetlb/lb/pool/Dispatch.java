package io.fleetlb.lb.pool;

import io.fleetlb.lb.policy.RequestInfo;
import java.util.Objects;

/**
 * One upstream attempt's share of a replica's counts, taken by
 * {@link ReplicaPool#dispatch(Replica, RequestInfo)}: in flight, awaiting its first byte, and its
 * estimated tokens. {@link #firstByte} and {@link #finish} release each share exactly once
 * whatever order and however often they are called, so no exit path can leak or double-release
 * a count. Confined to the attempt's event loop (not thread-safe).
 */
public final class Dispatch {
  private final Replica replica;
  private final ReplicaCounters counters;
  private final RequestInfo request;
  private boolean awaiting = true;
  private boolean streaming;
  private boolean silent;
  private boolean mature;
  private boolean finished;

  Dispatch(Replica replica, ReplicaCounters counters, RequestInfo request) {
    this.replica = replica;
    this.counters = counters;
    this.request = Objects.requireNonNull(request, "request");
  }

  /** The replica the attempt went to. */
  public Replica replica() {
    return replica;
  }

  /** The request facts counted for it. */
  public RequestInfo request() {
    return request;
  }

  /** Records the first response byte: the attempt no longer awaits it. Later calls do nothing. */
  public void firstByte() {
    if (awaiting && !finished) {
      awaiting = false;
      counters.firstByte(request);
    }
  }

  /**
   * Records that the attempt relays a stream that has started (its first byte came): from now on
   * the replica owes it a steady flow of bytes. Later calls do nothing.
   */
  public void streamStarted() {
    if (!streaming && !finished) {
      streaming = true;
      counters.streamsStarted.incrementAndGet();
    }
  }

  /** Records that the replica sent something for this attempt at {@code nanos}. */
  public void progress(long nanos) {
    counters.progress(nanos);
    if (mature) {
      counters.matureProgress(nanos);
    }
    if (silent) {
      silent = false;
      counters.streamsSilent.decrementAndGet();
    }
  }

  /**
   * Records that this started stream has run for {@code ejection.stalled_after}: from now on its
   * bytes show that the replica still serves its older streams (vLLM preempts the newest ones
   * when its KV cache runs out, so a replica that serves its oldest streams is working, however
   * many of its newer ones wait).
   */
  public void mature() {
    if (streaming && !finished) {
      mature = true;
    }
  }

  /**
   * Records that this started stream has been silent for {@code ejection.stalled_after} (the
   * replica owes it a chunk every engine step); cleared by its next byte or its end.
   */
  public void silent() {
    if (streaming && !silent && !finished) {
      silent = true;
      counters.streamsSilent.incrementAndGet();
    }
  }

  /**
   * Records how the attempt ended, releasing its first-byte and stream shares too. Returns
   * false (and changes nothing) when it was already finished.
   */
  public boolean finish(AttemptResult result) {
    if (finished) {
      return false;
    }
    if (awaiting) {
      awaiting = false;
      counters.firstByte(request);
    }
    if (streaming) {
      streaming = false;
      counters.streamsStarted.decrementAndGet();
    }
    if (silent) {
      silent = false;
      counters.streamsSilent.decrementAndGet();
    }
    finished = true;
    counters.finish(result, request);
    return true;
  }

  /** Whether the attempt still awaits its first response byte. */
  public boolean awaitingFirstByte() {
    return awaiting && !finished;
  }

  /** Whether {@link #finish} was called. */
  public boolean finished() {
    return finished;
  }
}
