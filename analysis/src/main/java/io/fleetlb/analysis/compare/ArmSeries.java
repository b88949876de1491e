package io.fleetlb.analysis.compare;

import io.fleetlb.analysis.input.Run;
import io.fleetlb.analysis.input.TelemetryPoint;
import io.fleetlb.results.PerSecondSeries;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An arm's per-second series, second k covering [k, k+1) of the run clock, averaged over its
 * repetitions: output tokens/s and completions from bench's time series, p99 TTFT per second, mean
 * GPU utilisation over the GPUs sampled and requests waiting in vLLM over the fleet (from
 * telemetry). NaN where no repetition had a sample.
 */
public record ArmSeries(
    double[] tS,
    double[] outputTokensPerS,
    double[] completedPerS,
    double[] ttftP99Ms,
    double[] gpuUtilPct,
    double[] waiting) {

  static ArmSeries of(List<Run> runs) {
    int len = 0;
    for (Run r : runs) {
      len = Math.max(len, r.result().timeseries() == null ? 0 : r.result().timeseries().length());
      for (TelemetryPoint p : r.telemetry()) {
        len = Math.max(len, (int) Math.floor(p.tS()) + 1);
      }
    }
    int n = len;
    double[] t = new double[n];
    for (int k = 0; k < n; k++) {
      t[k] = k;
    }
    return new ArmSeries(
        t,
        average(runs, n, r -> array(r, PerSecondSeries::outputTokens, n)),
        average(runs, n, r -> array(r, PerSecondSeries::completed, n)),
        average(runs, n, r -> p99(r, n)),
        average(runs, n, r -> telemetry(r, n, true)),
        average(runs, n, r -> telemetry(r, n, false)));
  }

  private interface PerRun {
    double[] of(Run r);
  }

  private static double[] average(List<Run> runs, int len, PerRun f) {
    double[] sum = new double[len];
    int[] n = new int[len];
    for (Run r : runs) {
      double[] v = f.of(r);
      for (int k = 0; k < len; k++) {
        if (!Double.isNaN(v[k])) {
          sum[k] += v[k];
          n[k]++;
        }
      }
    }
    double[] out = new double[len];
    for (int k = 0; k < len; k++) {
      out[k] = n[k] == 0 ? Double.NaN : sum[k] / n[k];
    }
    return out;
  }

  private static double[] array(
      Run r, java.util.function.Function<PerSecondSeries, double[]> field, int len) {
    double[] out = new double[len];
    Arrays.fill(out, Double.NaN);
    PerSecondSeries ts = r.result().timeseries();
    double[] a = ts == null ? null : field.apply(ts);
    for (int k = 0; a != null && k < Math.min(len, a.length); k++) {
      out[k] = a[k];
    }
    return out;
  }

  private static double[] p99(Run r, int len) {
    double[] out = new double[len];
    Arrays.fill(out, Double.NaN);
    PerSecondSeries ts = r.result().timeseries();
    List<Double> a = ts == null || ts.ttftP99Ms() == null ? List.of() : ts.ttftP99Ms();
    for (int k = 0; k < Math.min(len, a.size()); k++) {
      out[k] = a.get(k) == null ? Double.NaN : a.get(k);
    }
    return out;
  }

  /**
   * GPU: mean utilisation over GPUs per second; servers: sum over replicas of their mean waiting
   * per second.
   */
  private static double[] telemetry(Run r, int len, boolean gpu) {
    Map<String, double[]> sum = new HashMap<>();
    Map<String, int[]> cnt = new HashMap<>();
    for (TelemetryPoint p : r.telemetry()) {
      double v = gpu ? p.utilPct() : p.waiting();
      if ((gpu ? p.isGpu() : p.isServer()) && !Double.isNaN(v) && p.tS() >= 0) {
        int k = (int) Math.floor(p.tS());
        sum.computeIfAbsent(p.id(), x -> new double[len])[k] += v;
        cnt.computeIfAbsent(p.id(), x -> new int[len])[k]++;
      }
    }
    // a gauge holds its last reading: samples ~1 s apart leave some seconds without one
    for (Map.Entry<String, double[]> e : sum.entrySet()) {
      double[] v = e.getValue();
      int[] c = cnt.get(e.getKey());
      int last = -1;
      for (int k = 0; k < len; k++) {
        if (c[k] > 0) {
          if (last >= 0) {
            for (int j = last + 1; j < k; j++) {
              v[j] = v[last] / c[last];
              c[j] = 1;
            }
          }
          last = k;
        }
      }
    }
    double[] out = new double[len];
    Arrays.fill(out, Double.NaN);
    for (int k = 0; k < len; k++) {
      double acc = 0;
      int ids = 0;
      for (Map.Entry<String, double[]> e : sum.entrySet()) {
        int c = cnt.get(e.getKey())[k];
        if (c > 0) {
          acc += e.getValue()[k] / c;
          ids++;
        }
      }
      if (ids > 0) {
        out[k] = gpu ? acc / ids : acc;
      }
    }
    return out;
  }
}
