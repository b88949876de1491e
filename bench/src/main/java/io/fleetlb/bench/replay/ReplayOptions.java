package io.fleetlb.bench.replay;

import java.util.Map;

/**
 * How a workload is replayed: where to (host, port, TLS, path override), extra headers, the
 * concurrency cap, timeouts, how many event loops issue requests, the pacer's spin window, the
 * lead-in before the schedule's zero and the connection pool's cap (0 = never caps).
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
    int maxConnections) {

  public ReplayOptions {
    headers = Map.copyOf(headers);
    if (eventLoops < 1) {
      throw new IllegalArgumentException("--event-loops must be >= 1, got " + eventLoops);
    }
    if (maxConnections < 0) {
      throw new IllegalArgumentException("--max-connections must be >= 0, got " + maxConnections);
    }
  }

  /** Sensible defaults for a target; tests and calibrate start here. */
  public static ReplayOptions defaults(String host, int port) {
    return new ReplayOptions(host, port, false, false, null, Map.of(), null, 600_000_000_000L,
        Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors())), 60_000, 50_000_000L, 0);
  }

  public ReplayOptions withMaxConcurrency(Integer c) {
    return new ReplayOptions(host, port, ssl, trustAll, pathOverride, headers, c, requestTimeoutNs, eventLoops,
        pacerSpinNs, leadInNs, maxConnections);
  }

  public ReplayOptions withEventLoops(int n) {
    return new ReplayOptions(host, port, ssl, trustAll, pathOverride, headers, maxConcurrency, requestTimeoutNs, n,
        pacerSpinNs, leadInNs, maxConnections);
  }

  public ReplayOptions withRequestTimeoutNs(long ns) {
    return new ReplayOptions(host, port, ssl, trustAll, pathOverride, headers, maxConcurrency, ns, eventLoops,
        pacerSpinNs, leadInNs, maxConnections);
  }

  public ReplayOptions withMaxConnections(int n) {
    return new ReplayOptions(host, port, ssl, trustAll, pathOverride, headers, maxConcurrency, requestTimeoutNs,
        eventLoops, pacerSpinNs, leadInNs, n);
  }
}
