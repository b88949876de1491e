package io.fleetlb.bench.cli;

import io.fleetlb.bench.workload.WorkloadRequest;
import java.util.List;
import java.util.Locale;

/**
 * A rough estimate of the heap a run needs, so that a workload too large for the fixed heap
 * the {@code bench/bench} launcher gives (1 GB by default, {@code BENCH_HEAP}) is named before the
 * run rather than found by an OutOfMemoryError in the middle of it. Counts the request bodies (held
 * for the whole run), each output token's timestamps (the inter-token latencies as {@code long}s,
 * their growth slack and their JSON in the result) and a fixed per-request share (tracker, outcome,
 * headers, result entry).
 */
final class HeapEstimate {
  static final long BYTES_PER_OUTPUT_TOKEN = 64;
  static final long BYTES_PER_REQUEST = 4_096;
  /** Past this share of the maximum heap, the run is likely to spend its time collecting. */
  static final double TIGHT = 0.7;

  private HeapEstimate() {}

  static long bytes(List<WorkloadRequest> requests) {
    long sum = 0;
    for (WorkloadRequest r : requests) {
      sum += r.body().length + BYTES_PER_REQUEST + (long) r.outputTokens() * BYTES_PER_OUTPUT_TOKEN;
    }
    return sum;
  }

  /** A warning to print when the estimate exceeds {@link #TIGHT} of {@code maxHeap}, else null. */
  static String warning(List<WorkloadRequest> requests, long maxHeap) {
    long need = bytes(requests);
    if (need <= TIGHT * maxHeap) {
      return null;
    }
    long suggestGb = Math.max(2, (long) Math.ceil(need / TIGHT / (1L << 30)));
    return String.format(
        Locale.ROOT,
        "bench: warning: this workload (%d requests) needs about %d MiB of heap and the JVM has"
            + " %d MiB, so the run may run out of memory or spend its time collecting; with"
            + " bench/bench start it as BENCH_HEAP=%dg bench/bench run ... (with java, -Xms%dg"
            + " -Xmx%dg)",
        requests.size(),
        need >> 20,
        maxHeap >> 20,
        suggestGb,
        suggestGb,
        suggestGb);
  }
}
