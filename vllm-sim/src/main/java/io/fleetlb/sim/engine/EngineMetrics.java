package io.fleetlb.sim.engine;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The counters, histograms and gauges vLLM exports, fed by the engine and read by {@code /metrics}.
 *
 * <p>Semantics follow vLLM V1's {@code PrometheusStatLogger}: TTFT from arrival to the first token,
 * queue time from arrival to first scheduling, prefill from first scheduling to the first token,
 * decode from the first to the last token, one inter-token observation per generated token after
 * the first. All times are in the engine's (simulated) seconds.
 */
public final class EngineMetrics {

  public final AtomicLong promptTokens = new AtomicLong();
  public final AtomicLong generationTokens = new AtomicLong();
  public final AtomicLong preemptions = new AtomicLong();

  /**
   * Prefix-cache lookups in tokens: the prompt tokens of each new request at its first scheduling
   * (V1 {@code prefix_cache_queries}); stays 0 with prefix caching off, as in vLLM.
   */
  public final AtomicLong prefixQueries = new AtomicLong();

  /** Of those, the tokens found in the cache (V1 {@code prefix_cache_hits}). */
  public final AtomicLong prefixHits = new AtomicLong();

  /** Full prompt blocks looked up (V0's block hit rate is hits over these). */
  public final AtomicLong prefixBlockQueries = new AtomicLong();

  /** Full prompt blocks found in the cache. */
  public final AtomicLong prefixBlockHits = new AtomicLong();

  private final AtomicLongArray finished = new AtomicLongArray(FinishReason.values().length);

  public final Histogram ttft;
  public final Histogram interToken;
  public final Histogram requestTimePerOutputToken;
  public final Histogram e2e;
  public final Histogram queue;
  public final Histogram inference;
  public final Histogram prefill;
  public final Histogram decode;
  public final Histogram requestPromptTokens;
  public final Histogram requestGenerationTokens;
  public final Histogram requestMaxNumGenerationTokens;
  public final Histogram requestParamsN;
  public final Histogram requestParamsMaxTokens;
  public final Histogram iterationTokens;
  public final GpuActivity gpu = new GpuActivity();

  private volatile EngineGauges gauges = EngineGauges.IDLE;

  /** Creates the metric set with the bucket layout of the given vLLM version. */
  public EngineMetrics(MetricsVersion version, int maxModelLen) {
    boolean v1 = version == MetricsVersion.V1;
    double[] latency = v1 ? Buckets.LATENCY_V1 : Buckets.LATENCY_V0;
    double[] tokenBuckets = Buckets.oneTwoFive(maxModelLen);
    ttft = new Histogram(v1 ? Buckets.TTFT_V1 : Buckets.TTFT_V0);
    interToken = new Histogram(v1 ? Buckets.TPOT_V1 : Buckets.TPOT_V0);
    requestTimePerOutputToken = new Histogram(v1 ? Buckets.TPOT_V1 : Buckets.TPOT_V0);
    e2e = new Histogram(latency);
    queue = new Histogram(latency);
    inference = new Histogram(latency);
    prefill = new Histogram(latency);
    decode = new Histogram(latency);
    requestPromptTokens = new Histogram(tokenBuckets);
    requestGenerationTokens = new Histogram(tokenBuckets);
    requestMaxNumGenerationTokens = new Histogram(tokenBuckets);
    requestParamsN = new Histogram(Buckets.PARAMS_N);
    requestParamsMaxTokens = new Histogram(tokenBuckets);
    iterationTokens = new Histogram(v1 ? Buckets.ITERATION_TOKENS_V1 : Buckets.ITERATION_TOKENS_V0);
  }

  public EngineGauges gauges() {
    return gauges;
  }

  void publish(EngineGauges g) {
    gauges = g;
  }

  /** Requests finished for this reason so far. */
  public long finished(FinishReason reason) {
    return finished.get(reason.ordinal());
  }

  void countFinished(FinishReason reason) {
    finished.incrementAndGet(reason.ordinal());
  }

  /** Records a finished sequence's per-request histograms, as vLLM does when a request ends. */
  void recordFinished(Sequence s, FinishReason reason, long now) {
    countFinished(reason);
    e2e.observe(seconds(now - s.arrivalNanos));
    queue.observe(seconds(s.firstScheduledNanos - s.arrivalNanos));
    prefill.observe(seconds(s.firstTokenNanos - s.firstScheduledNanos));
    decode.observe(seconds(s.lastTokenNanos - s.firstTokenNanos));
    inference.observe(seconds(s.lastTokenNanos - s.firstScheduledNanos));
    if (s.generated > 1) {
      requestTimePerOutputToken.observe(
          seconds(s.lastTokenNanos - s.firstTokenNanos) / (s.generated - 1));
    }
    requestPromptTokens.observe(s.spec.promptTokens());
    requestGenerationTokens.observe(s.generated);
    requestMaxNumGenerationTokens.observe(s.spec.maxTokens());
    requestParamsN.observe(1);
    requestParamsMaxTokens.observe(s.spec.maxTokens());
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
