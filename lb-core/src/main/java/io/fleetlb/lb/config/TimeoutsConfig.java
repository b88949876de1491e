package io.fleetlb.lb.config;

import java.time.Duration;

/**
 * Timeouts ({@code timeouts:}), each guarding one phase, so a long but healthy stream is never
 * cut by a total-duration limit.
 *
 * @param connect obtaining an upstream connection (TCP connect, or waiting in the pool), default 2s
 * @param firstByte from the request sent upstream to the first response body byte: for a stream,
 *     the wait in the replica's queue plus the prefill (vLLM sends a stream's head at once and its
 *     first event with the first token); for a non-streaming request, the whole generation.
 *     Default 300s
 * @param streamIdle the longest silence between two upstream body chunks once the first one
 *     arrived (and the longest a client may stall reading). vLLM sends a chunk per engine step,
 *     tens of milliseconds apart, so a silent stream means a hung replica; default 10s
 * @param headerRead from connection accept, or the end of the previous response on a keep-alive
 *     connection, until the request head is complete; a trickle of bytes cannot extend it
 *     (slowloris), default 10s
 * @param bodyRead from the request head until the request body is complete, default 60s
 */
public record TimeoutsConfig(Duration connect, Duration firstByte, Duration streamIdle,
    Duration headerRead, Duration bodyRead) implements Validated {
  /** The defaults. */
  public static final TimeoutsConfig DEFAULT = new TimeoutsConfig(null, null, null, null, null);

  /** Fills in defaults for absent values. */
  public TimeoutsConfig {
    connect = connect == null ? Duration.ofSeconds(2) : connect;
    firstByte = firstByte == null ? Duration.ofSeconds(300) : firstByte;
    streamIdle = streamIdle == null ? Duration.ofSeconds(10) : streamIdle;
    headerRead = headerRead == null ? Duration.ofSeconds(10) : headerRead;
    bodyRead = bodyRead == null ? Duration.ofSeconds(60) : bodyRead;
  }

  @Override
  public void validate(Validation at) {
    at.positive(connect, "connect");
    at.positive(firstByte, "first_byte");
    at.positive(streamIdle, "stream_idle");
    at.positive(headerRead, "header_read");
    at.positive(bodyRead, "body_read");
  }
}
