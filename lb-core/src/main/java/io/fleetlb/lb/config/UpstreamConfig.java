package io.fleetlb.lb.config;

import java.time.Duration;

/**
 * Upstream connection pools ({@code upstream:}), sized explicitly because Vert.x's default of 5
 * HTTP/1 connections per host would cap each replica at 5 concurrent generations.
 *
 * @param maxConnectionsPerReplica open connections (= concurrent requests, HTTP/1.1) per replica,
 *     default 1024, split evenly across event loops
 * @param maxWaitQueue requests that may wait for a connection per replica and event loop once the
 *     pool is full, default 256; beyond it the request fails over (or gets 503) at once
 * @param keepAliveTimeout how long an idle upstream connection is kept, default 4s: shorter than
 *     the replica's own keep-alive (uvicorn, hence vLLM, closes idle connections after 5s), so
 *     the router does not send a request on a connection the replica is closing
 */
public record UpstreamConfig(Integer maxConnectionsPerReplica, Integer maxWaitQueue,
    Duration keepAliveTimeout) implements Validated {
  /** The defaults. */
  public static final UpstreamConfig DEFAULT = new UpstreamConfig(null, null, null);

  /** Fills in defaults for absent values. */
  public UpstreamConfig {
    maxConnectionsPerReplica = maxConnectionsPerReplica == null ? 1024 : maxConnectionsPerReplica;
    maxWaitQueue = maxWaitQueue == null ? 256 : maxWaitQueue;
    keepAliveTimeout = keepAliveTimeout == null ? Duration.ofSeconds(4) : keepAliveTimeout;
  }

  @Override
  public void validate(Validation at) {
    at.range(maxConnectionsPerReplica, 1, 1_000_000, "max_connections_per_replica");
    at.range(maxWaitQueue, 0, 1_000_000, "max_wait_queue");
    at.check(keepAliveTimeout.toSeconds() >= 1, "keep_alive_timeout", keepAliveTimeout,
        "must be at least 1s");
  }
}
