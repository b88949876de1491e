package io.fleetlb.analysis.imports;

import io.fleetlb.analysis.input.Run;
import io.fleetlb.analysis.input.Source;
import io.fleetlb.results.BenchInfo;
import io.fleetlb.results.LatencyStats;
import io.fleetlb.results.NumpyStats;
import io.fleetlb.results.RequestRecord;
import io.fleetlb.results.RunHeader;
import io.fleetlb.results.RunHeadline;
import io.fleetlb.results.RunResult;
import io.fleetlb.results.RunTotals;
import io.fleetlb.results.ValidityReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the {@link Run} of an imported file: one request record per request, in the tool's order,
 * with our metric definitions (TTFT, E2EL, ITL gaps, TPOT = (E2EL - TTFT) / (output tokens - 1)),
 * and a result whose aggregates are recomputed from those records. Times the tool does not record
 * (when a request was due, when it was sent) are -1; an imported run is valid (nothing says its
 * generator fell behind), with a warning saying what cannot be checked.
 */
final class ImportedRun {
  private final Source source;
  private final Path path;
  private final List<RequestRecord> records = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();

  ImportedRun(Source source, Path path) {
    this.source = source;
    this.path = path;
  }

  /**
   * Adds request number {@code records().size()}.
   *
   * @param startNs request start, ns from the run's first request (-1 when unknown)
   * @param itlMs gaps between consecutive token events, ms (empty when failed)
   * @param outputTokens output tokens as the tool counted them
   * @param promptTokens prompt tokens, -1 when unknown
   */
  void request(
      String model,
      boolean success,
      String error,
      int status,
      long startNs,
      double ttftMs,
      double e2elMs,
      double[] itlMs,
      int outputTokens,
      int promptTokens) {
    int index = records.size();
    long[] itl = new long[success ? itlMs.length : 0];
    for (int k = 0; k < itl.length; k++) {
      itl[k] = Math.round(itlMs[k] * 1e6);
    }
    Double none = null;
    long first = success && startNs >= 0 ? startNs + Math.round(ttftMs * 1e6) : -1;
    long last = success && startNs >= 0 ? startNs + Math.round(e2elMs * 1e6) : -1;
    records.add(
        new RequestRecord(
            index,
            model,
            null,
            null,
            success,
            status,
            success ? null : error,
            -1,
            -1,
            startNs,
            -1,
            first,
            last,
            last,
            RequestRecord.ifKnown(success, ttftMs),
            RequestRecord.ifKnown(success, e2elMs),
            RequestRecord.ifKnown(
                success && outputTokens > 1, (e2elMs - ttftMs) / (outputTokens - 1)),
            none,
            none,
            none,
            promptTokens,
            success ? outputTokens : -1,
            success ? outputTokens : 0,
            -1,
            -1,
            success ? itl.length + 1 : 0,
            -1,
            success,
            false,
            itl));
  }

  /**
   * A warning shown with the run (e.g. a figure of the file that our recomputation does not match).
   */
  void warn(String w) {
    warnings.add(w);
  }

  int size() {
    return records.size();
  }

  List<RequestRecord> records() {
    return records;
  }

  /**
   * The run.
   *
   * @param durationS the run's duration as the tool measured it (the throughputs' denominator)
   * @param header the tool's setup (label, models, rate); {@code num_prompts} is set here
   */
  Run build(RunHeader header, double durationS, String url, String version) {
    int completed = 0;
    long in = 0;
    long out = 0;
    List<Double> ttfts = new ArrayList<>();
    for (RequestRecord r : records) {
      if (r.success()) {
        completed++;
        in += Math.max(0, r.promptTokens());
        out += r.outputTokens();
        ttfts.add(r.ttft());
      }
    }
    int failed = records.size() - completed;
    Map<String, Double> stats = LatencyStats.map();
    double[] t = ttfts.stream().mapToDouble(Double::doubleValue).toArray();
    if (t.length > 0) {
      stats.put("mean_ttft_ms", NumpyStats.mean(t));
      stats.put("p99_ttft_ms", NumpyStats.percentile(t, 99));
    }
    List<String> w = new ArrayList<>();
    w.add(
        "imported from "
            + source.tool()
            + " ("
            + path.getFileName()
            + "): it does not record when requests were "
            + "due, so whether its load generator kept the schedule cannot be checked");
    w.addAll(warnings);
    ValidityReport validity =
        new ValidityReport(
            true,
            List.of(),
            w,
            header.requestRate() != null && !header.requestRate().isInfinite(),
            null,
            null,
            null,
            null,
            null,
            null,
            failed > 0,
            failed,
            records.isEmpty() ? 0 : failed / (double) records.size(),
            Map.of());
    RunHeader h =
        new RunHeader(
            header.date(),
            header.endpointType(),
            header.backend(),
            header.label(),
            header.modelId(),
            header.tokenizerId(),
            records.size(),
            header.requestRate(),
            header.burstiness(),
            header.maxConcurrency());
    RunTotals totals =
        new RunTotals(
            durationS,
            completed,
            failed,
            in,
            out,
            completed / durationS,
            null,
            null,
            out / durationS,
            (in + out) / durationS,
            Double.NaN,
            0);
    return new Run(
        path,
        source,
        new RunResult(
            h,
            Map.of(),
            totals,
            null,
            stats,
            new RunHeadline(true, failed > 0, null, null, null, null, null),
            validity,
            new BenchInfo(
                source.tool(),
                version,
                0,
                url,
                header.endpointType(),
                null,
                null,
                null,
                null,
                null,
                null),
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null),
        records.toArray(new RequestRecord[0]),
        List.of());
  }
}
