package io.fleetlb.bench.metrics;

import io.fleetlb.results.Slo;
import java.util.ArrayList;
import java.util.List;

/**
 * The metrics of {@code vllm bench serve}'s {@code calculate_metrics}, with its exact definitions
 * (research/benchmarks.md 1.2): failed requests are excluded from every latency; ITL pools every
 * gap of every request; TPOT is (E2EL - TTFT) / (output tokens - 1) for requests with more than one
 * token; throughputs divide by the whole run's duration. Latencies are in milliseconds.
 */
public record CoreMetrics(
    int completed,
    int failed,
    long totalInputTokens,
    long totalOutputTokens,
    double requestThroughput,
    Double requestGoodput,
    double outputThroughput,
    double totalTokenThroughput,
    double maxOutputTokensPerS,
    int maxConcurrentRequests,
    Stats.Summary ttft,
    Stats.Summary tpot,
    Stats.Summary itl,
    Stats.Summary e2el,
    Stats.Summary clientQueueTime,
    Stats.Summary e2elIncludingClientQueue) {

  public static CoreMetrics compute(
      List<RequestOutcome> outcomes, double durationS, List<Double> percentiles, Slo goodput) {
    int completed = 0;
    int failed = 0;
    long in = 0;
    long out = 0;
    int good = 0;
    List<Double> ttfts = new ArrayList<>();
    List<Double> tpots = new ArrayList<>();
    List<Double> itls = new ArrayList<>();
    List<Double> e2els = new ArrayList<>();
    List<Double> queue = new ArrayList<>();
    List<Double> e2elQueue = new ArrayList<>();
    for (RequestOutcome r : outcomes) {
      if (r.arrivalNs() >= 0 && r.startNs() >= 0) {
        queue.add((r.startNs() - r.arrivalNs()) / 1e6);
      }
      if (!r.success()) {
        failed++;
        continue;
      }
      completed++;
      in += r.inputTokens();
      out += r.outputTokens();
      ttfts.add(r.ttftNs() / 1e6);
      e2els.add(r.e2elNs() / 1e6);
      e2elQueue.add((r.lastTokenNs() - r.arrivalNs()) / 1e6);
      if (r.outputTokens() > 1) {
        tpots.add(r.tpotNs() / 1e6);
      }
      for (long gap : r.itlNs()) {
        itls.add(gap / 1e6);
      }
      if (goodput != null && r.meets(goodput)) {
        good++;
      }
    }
    return new CoreMetrics(
        completed,
        failed,
        in,
        out,
        completed / durationS,
        goodput != null ? good / durationS : null,
        out / durationS,
        (in + out) / durationS,
        peakOutputTokensPerSecond(outcomes),
        peakConcurrency(outcomes),
        Stats.summarize(toArray(ttfts), percentiles),
        Stats.summarize(toArray(tpots), percentiles),
        Stats.summarize(toArray(itls), percentiles),
        Stats.summarize(toArray(e2els), percentiles),
        Stats.summarize(toArray(queue), percentiles),
        Stats.summarize(toArray(e2elQueue), percentiles));
  }

  /**
   * vLLM's {@code max_output_tokens_per_s}: token events of successful requests in 1-second bins
   * counted from the earliest successful start; the fullest bin (events, not tokens).
   */
  static double peakOutputTokensPerSecond(List<RequestOutcome> outcomes) {
    long minStart = Long.MAX_VALUE;
    long maxEnd = Long.MIN_VALUE;
    for (RequestOutcome r : outcomes) {
      if (r.success()) {
        minStart = Math.min(minStart, r.startNs());
        maxEnd = Math.max(maxEnd, r.lastTokenNs());
      }
    }
    if (minStart == Long.MAX_VALUE) {
      return 0;
    }
    int bins = (int) Math.ceil((maxEnd - minStart) / 1e9) + 1;
    double[] perSecond = new double[bins];
    for (RequestOutcome r : outcomes) {
      if (!r.success()) {
        continue;
      }
      long t = r.firstTokenNs();
      add(perSecond, t - minStart);
      for (long gap : r.itlNs()) {
        t += gap;
        add(perSecond, t - minStart);
      }
    }
    double max = 0;
    for (double v : perSecond) {
      max = Math.max(max, v);
    }
    return max;
  }

  private static void add(double[] bins, long sinceStartNs) {
    int b = (int) (sinceStartNs / 1_000_000_000L);
    if (b >= 0 && b < bins.length) {
      bins[b]++;
    }
  }

  /**
   * vLLM's {@code max_concurrent_requests}: sweep line over [start, start + E2EL) of successful
   * requests.
   */
  static int peakConcurrency(List<RequestOutcome> outcomes) {
    List<long[]> events = new ArrayList<>();
    for (RequestOutcome r : outcomes) {
      if (r.success()) {
        events.add(new long[] {r.startNs(), 1});
        events.add(new long[] {r.lastTokenNs(), -1});
      }
    }
    // at equal times ends sort before starts: the intervals are half-open
    events.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    int cur = 0;
    int max = 0;
    for (long[] e : events) {
      cur += (int) e[1];
      max = Math.max(max, cur);
    }
    return max;
  }

  static double[] toArray(List<Double> l) {
    double[] a = new double[l.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = l.get(i);
    }
    return a;
  }
}
