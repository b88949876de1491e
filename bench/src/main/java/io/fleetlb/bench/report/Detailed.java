package io.fleetlb.bench.report;

import io.fleetlb.bench.metrics.RequestOutcome;
import io.fleetlb.results.RunDetailed;
import java.util.ArrayList;
import java.util.List;

/**
 * vLLM's {@code --save-detailed} arrays (seconds, one entry per request in order; failed ones
 * zero).
 */
final class Detailed {
  private Detailed() {}

  static RunDetailed of(List<RequestOutcome> all) {
    int n = all.size();
    int[] inputLens = new int[n];
    int[] outputLens = new int[n];
    double[] ttfts = new double[n];
    double[][] itls = new double[n][];
    double[] latencies = new double[n];
    double[] startTimes = new double[n];
    double[] queueTimes = new double[n];
    List<String> errors = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      RequestOutcome r = all.get(i);
      inputLens[i] = r.inputTokens();
      outputLens[i] = r.success() ? r.outputTokens() : 0;
      ttfts[i] = r.success() ? r.ttftNs() / 1e9 : 0.0;
      long[] gaps = r.success() ? r.itlNs() : new long[0];
      itls[i] = new double[gaps.length];
      for (int k = 0; k < gaps.length; k++) {
        itls[i][k] = gaps[k] / 1e9;
      }
      latencies[i] = r.success() ? r.e2elNs() / 1e9 : 0.0;
      startTimes[i] = r.startNs() / 1e9;
      queueTimes[i] =
          r.startNs() >= 0 && r.arrivalNs() >= 0 ? (r.startNs() - r.arrivalNs()) / 1e9 : 0.0;
      errors.add(r.success() ? "" : r.error());
    }
    return new RunDetailed(
        inputLens, outputLens, ttfts, itls, latencies, startTimes, queueTimes, errors);
  }
}
