package io.fleetlb.bench.replay;

import java.util.Map;

/**
 * How a workload is replayed: where to (host, port, TLS, path override), extra headers, the
 * concurrency cap, timeouts, how many event loops issue requests, the pacer's spin window, the
 * lead-in before the schedule's zero, the connection pool's cap (0 = never caps) and how long an
 * idle keep-alive connection may be reused (servers close idle ones: uvicorn after 5 s).
 */
public record ReplayOptions(
    String host,
    int port,
    boolean ssl,
    boolean trustAll,
    String pathOverride,
    Map<String, String> headers,
    Integer maxConcurrency,
    long requestTimeoutNs,
    int eventLoops,
    long pacerSpinNs,
    long leadInNs,
    int maxConnections,
    long keepAliveIdleNs) {

  public ReplayOptions {
    headers = Map.copyOf(headers);
    if (eventLoops < 1) {
      throw new IllegalArgumentException("--event-loops must be >= 1, got " + eventLoops);
    }
    if (keepAliveIdleNs <= 0) {
      throw new IllegalArgumentException("--keep-alive-idle must be > 0");
    }
    if (maxConnections < 0) {
      throw new IllegalArgumentException("--max-connections must be >= 0, got " + maxConnections);
    }
  }

  /** Sensible defaults for a target; tests and calibrate start here. */
  public static ReplayOptions defaults(String host, int port) {
    return new ReplayOptions(
        host,
        port,
        false,
        false,
        null,
        Map.of(),
        null,
        600_000_000_000L,
        Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors())),
        60_000,
        50_000_000L,
        0,
        4_000_000_000L);
  }

  public ReplayOptions withMaxConcurrency(Integer c) {
    return new ReplayOptions(
        host,
        port,
        ssl,
        trustAll,
        pathOverride,
        headers,
        c,
        requestTimeoutNs,
        eventLoops,
        pacerSpinNs,
        leadInNs,
        maxConnections,
        keepAliveIdleNs);
  }

  public ReplayOptions withEventLoops(int n) {
    return new ReplayOptions(
        host,
        port,
        ssl,
        trustAll,
        pathOverride,
        headers,
        maxConcurrency,
        requestTimeoutNs,
        n,
        pacerSpinNs,
        leadInNs,
        maxConnections,
        keepAliveIdleNs);
  }

  public ReplayOptions withRequestTimeoutNs(long ns) {
    return new ReplayOptions(
        host,
        port,
        ssl,
        trustAll,
        pathOverride,
        headers,
        maxConcurrency,
        ns,
        eventLoops,
        pacerSpinNs,
        leadInNs,
        maxConnections,
        keepAliveIdleNs);
  }

  public ReplayOptions withMaxConnections(int n) {
    return new ReplayOptions(
        host,
        port,
        ssl,
        trustAll,
        pathOverride,
        headers,
        maxConcurrency,
        requestTimeoutNs,
        eventLoops,
        pacerSpinNs,
        leadInNs,
        n,
        keepAliveIdleNs);
  }
}
