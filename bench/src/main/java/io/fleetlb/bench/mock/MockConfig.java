package io.fleetlb.bench.mock;

import java.util.List;

/**
 * What the built-in upstream serves: its address, the models it answers for, the time to first
 * token and the gap between tokens it keeps, the output length when a request gives none, and an
 * optional replica id sent back as {@code x-lb-replica}.
 */
public record MockConfig(
    String host,
    int port,
    long ttftNs,
    long itlNs,
    int defaultOutputTokens,
    List<String> models,
    String replicaId,
    int eventLoops) {

  public MockConfig {
    models = List.copyOf(models);
    if (models.isEmpty()) {
      throw new IllegalArgumentException("the mock upstream needs at least one model");
    }
    if (ttftNs < 0 || itlNs < 0) {
      throw new IllegalArgumentException("--ttft and --itl must be >= 0");
    }
    if (defaultOutputTokens < 1) {
      throw new IllegalArgumentException("--output-tokens must be >= 1");
    }
  }

  public static MockConfig of(long ttftNs, long itlNs, String... models) {
    return new MockConfig("127.0.0.1", 0, ttftNs, itlNs, 16, List.of(models), null, 1);
  }
}
