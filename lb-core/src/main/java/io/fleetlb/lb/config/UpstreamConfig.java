package io.fleetlb.lb.config;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

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
 * @param responseHeaders more replica response headers to relay besides the built-in allow-list
 *     (content type and encoding, caching, {@code Retry-After}, {@code openai-*}, CORS); default
 *     none. Anything else a replica sends ({@code Location}, {@code Set-Cookie}, {@code Server},
 *     internal {@code X-*} headers) is dropped
 * @param caFile PEM certificates trusted for {@code https://} replicas, default: the JVM's trust
 *     store; a relative path is resolved against the configuration file's folder
 * @param verifyHostname whether an {@code https://} replica's certificate must name its host,
 *     default true
 * @param warmConnections idle connections per replica renewed through a lull, split evenly
 *     across event loops (at least one each), default 32, 0 for none: when a replica has had no
 *     request for {@code keepAliveTimeout}, the connections reaching it are replaced (a new one
 *     opened for each one closed) until a minute after its last request, so the first requests
 *     after a lull find connections instead of all connecting at once
 */
public record UpstreamConfig(Integer maxConnectionsPerReplica, Integer maxWaitQueue,
    Duration keepAliveTimeout, List<String> responseHeaders, String caFile,
    Boolean verifyHostname, Integer warmConnections) implements Validated {
  /** The defaults. */
  public static final UpstreamConfig DEFAULT =
      new UpstreamConfig(null, null, null, null, null, null, null);
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}");
  private static final List<String> ROUTER_OWN = List.of("x-lb-replica", "x-request-id",
      "content-length", "transfer-encoding", "connection", "keep-alive", "upgrade", "trailer");

  /** Fills in defaults for absent values. */
  public UpstreamConfig {
    maxConnectionsPerReplica = maxConnectionsPerReplica == null ? 1024 : maxConnectionsPerReplica;
    maxWaitQueue = maxWaitQueue == null ? 256 : maxWaitQueue;
    keepAliveTimeout = keepAliveTimeout == null ? Duration.ofSeconds(4) : keepAliveTimeout;
    responseHeaders = responseHeaders == null ? List.of() : List.copyOf(responseHeaders);
    verifyHostname = verifyHostname == null ? Boolean.TRUE : verifyHostname;
    warmConnections = warmConnections == null ? 32 : warmConnections;
  }

  @Override
  public void validate(Validation at) {
    at.range(maxConnectionsPerReplica, 1, 1_000_000, "max_connections_per_replica");
    at.range(maxWaitQueue, 0, 1_000_000, "max_wait_queue");
    at.range(warmConnections, 0, 100_000, "warm_connections");
    at.check(keepAliveTimeout.toSeconds() >= 1, "keep_alive_timeout", keepAliveTimeout,
        "must be at least 1s");
    at.check(caFile == null || !caFile.isBlank(), "ca_file", caFile, "must name a file");
    for (int i = 0; i < responseHeaders.size(); i++) {
      String h = responseHeaders.get(i);
      at.check(h != null && TOKEN.matcher(h).matches(), "response_headers[" + i + "]", h,
          "must be a header name");
      at.check(!ROUTER_OWN.contains(h.toLowerCase(java.util.Locale.ROOT)),
          "response_headers[" + i + "]", h, "is set by the router itself or hop-by-hop");
    }
  }
}
