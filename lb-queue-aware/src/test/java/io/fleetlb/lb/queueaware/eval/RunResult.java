package io.fleetlb.lb.queueaware.eval;

import java.util.Arrays;

/**
 * What one virtual run measured: TTFT and E2E per request, throughput, per-replica figures, the
 * engines' prefix-cache lookups (tokens, as vLLM V1 counts them).
 */
final class RunResult {
  final double[] ttftMs;
  final double[] e2eMs;
  final long durationNanos;
  final long outputTokens;
  final int[] routed;
  final long[] preemptions;
  final long prefixQueries;
  final long prefixHits;

  private RunResult(double[] ttftMs, double[] e2eMs, long durationNanos, long outputTokens,
      int[] routed, long[] preemptions, long prefixQueries, long prefixHits) {
    this.ttftMs = ttftMs;
    this.e2eMs = e2eMs;
    this.durationNanos = durationNanos;
    this.outputTokens = outputTokens;
    this.routed = routed;
    this.preemptions = preemptions;
    this.prefixQueries = prefixQueries;
    this.prefixHits = prefixHits;
  }

  /** The p-th percentile (numpy's linear method) of a sample. */
  static double percentile(double[] values, double p) {
    double[] s = values.clone();
    Arrays.sort(s);
    double rank = p / 100 * (s.length - 1);
    int lo = (int) Math.floor(rank);
    int hi = Math.min(s.length - 1, lo + 1);
    return s[lo] + (s[hi] - s[lo]) * (rank - lo);
  }

  double ttft(double p) {
    return percentile(ttftMs, p);
  }

  double meanTtft() {
    return Arrays.stream(ttftMs).average().orElse(Double.NaN);
  }

  /** Prompt tokens found in the engines' prefix caches over those looked up (0 when none). */
  double prefixHitRate() {
    return prefixQueries == 0 ? 0 : (double) prefixHits / prefixQueries;
  }

  double e2e(double p) {
    return percentile(e2eMs, p);
  }

  /** Output tokens per second over the whole run. */
  double outputThroughput() {
    return outputTokens / (durationNanos / 1e9);
  }

  long totalPreemptions() {
    return Arrays.stream(preemptions).sum();
  }

  @Override
  public String toString() {
    return String.format("ttft p50 %7.0f p99 %7.0f | e2e p50 %7.0f p99 %7.0f | out %6.0f tok/s"
            + " | routed %s | preempt %s", ttft(50), ttft(99), e2e(50), e2e(99),
        outputThroughput(), Arrays.toString(routed), Arrays.toString(preemptions));
  }

  /** Collects a run's measurements. */
  static final class Builder {
    private final double[] ttft;
    private final double[] e2e;
    private final int[] routed;
    private final long[] preemptions;
    private long outputTokens;
    private int finished;
    private long prefixQueries;
    private long prefixHits;

    Builder(int requests, int replicas) {
      ttft = new double[requests];
      e2e = new double[requests];
      routed = new int[replicas];
      preemptions = new long[replicas];
    }

    void routed(int replica) {
      routed[replica]++;
    }

    void firstToken(int index, long nanos) {
      ttft[index] = nanos / 1e6;
    }

    void finished(int index, int replica, long nanos, int tokens) {
      e2e[index] = nanos / 1e6;
      outputTokens += tokens;
      finished++;
    }

    void preemptions(int replica, long count) {
      preemptions[replica] = count;
    }

    /** Adds one engine's prefix-cache lookups and hits (tokens). */
    void prefixCache(long queries, long hits) {
      prefixQueries += queries;
      prefixHits += hits;
    }

    RunResult build(long endNanos) {
      if (finished != ttft.length) {
        throw new IllegalStateException(finished + " of " + ttft.length + " requests finished");
      }
      return new RunResult(ttft, e2e, endNanos, outputTokens, routed, preemptions, prefixQueries,
          prefixHits);
    }
  }
}
