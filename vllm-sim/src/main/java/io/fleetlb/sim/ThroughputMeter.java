package io.fleetlb.sim;

import io.fleetlb.sim.engine.EngineMetrics;

/**
 * Prompt and generation throughput since the previous reading, for V0's deprecated {@code
 * avg_*_throughput_toks_per_s} gauges (vLLM V0 computes them over its 5 s logging interval).
 */
final class ThroughputMeter {

  private static final long MIN_WINDOW_NANOS = 5_000_000_000L;

  private final EngineMetrics metrics;
  private long lastNanos = System.nanoTime();
  private long lastPrompt;
  private long lastGeneration;
  private double prompt;
  private double generation;

  ThroughputMeter(EngineMetrics metrics) {
    this.metrics = metrics;
  }

  synchronized double promptPerSecond() {
    roll();
    return prompt;
  }

  synchronized double generationPerSecond() {
    roll();
    return generation;
  }

  private void roll() {
    long now = System.nanoTime();
    long elapsed = now - lastNanos;
    if (elapsed < MIN_WINDOW_NANOS) {
      return;
    }
    long p = metrics.promptTokens.get();
    long g = metrics.generationTokens.get();
    prompt = (p - lastPrompt) / (elapsed / 1e9);
    generation = (g - lastGeneration) / (elapsed / 1e9);
    lastPrompt = p;
    lastGeneration = g;
    lastNanos = now;
  }
}
