package io.fleetlb.lb.config;

import java.time.Duration;

/**
 * Graceful drain ({@code drain:}) on SIGTERM: {@code /health} turns 503, new requests are refused
 * with 503 and {@code Retry-After}, requests in flight may finish for up to {@code timeout}; what
 * is still open then is ended with an error (an SSE error event, or a reset).
 *
 * @param timeout default 30s
 */
public record DrainConfig(Duration timeout) implements Validated {
  /** The defaults. */
  public static final DrainConfig DEFAULT = new DrainConfig(null);

  /** Fills in defaults for absent values. */
  public DrainConfig {
    timeout = timeout == null ? Duration.ofSeconds(30) : timeout;
  }

  @Override
  public void validate(Validation at) {
    at.check(!timeout.isNegative(), "timeout", timeout, "must not be negative");
  }
}
