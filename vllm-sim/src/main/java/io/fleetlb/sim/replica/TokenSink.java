package io.fleetlb.sim.replica;

import io.fleetlb.sim.engine.FinishReason;
import io.vertx.core.Context;

/** Receives a request's tokens on the request's own Vert.x context. */
public interface TokenSink {

  /** The context (event loop) the tokens are delivered on. */
  Context context();

  /**
   * One generated token.
   *
   * @param index zero-based token index
   * @param finish the finish reason when this is the last token, else {@code null}
   * @param intendedNanos {@link System#nanoTime()} at which the token was due
   */
  void onToken(int index, FinishReason finish, long intendedNanos);

  /**
   * One generated token, with the prompt tokens the request found in the prefix cache; by default
   * the cached count is dropped.
   */
  default void onToken(int index, FinishReason finish, long intendedNanos, int cachedTokens) {
    onToken(index, finish, intendedNanos);
  }
}
