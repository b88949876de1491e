package io.fleetlb.analysis.input;

import io.fleetlb.results.RequestRecord;
import io.fleetlb.results.RunResult;
import io.fleetlb.results.Slo;
import io.fleetlb.results.ValidityReport;
import java.nio.file.Path;
import java.util.List;

/**
 * One run (a repetition of one arm): the tool that measured it, its result, every request record by
 * index (workload index for fleetlb's bench, request order for imported runs) and its telemetry
 * readings (empty when none were sampled).
 */
public record Run(
    Path path,
    Source source,
    RunResult result,
    RequestRecord[] requests,
    List<TelemetryPoint> telemetry) {

  /** This run under another path (how reports name it). */
  public Run withPath(Path shown) {
    return new Run(shown, source, result, requests, telemetry);
  }

  /** The result's {@code workload_hash}, "" when unknown (imported runs). */
  public String workloadHash() {
    return result.workloadHash();
  }

  /** Whether the run is valid. */
  public boolean valid() {
    return result.valid();
  }

  /** Why the run is invalid, one line each. */
  public List<String> invalidReasons() {
    return result.validity() == null ? List.of() : result.validity().reasons();
  }

  /** The run's own warnings. */
  public List<String> warnings() {
    return result.validity() == null ? List.of() : result.validity().warnings();
  }

  /** The validity gates the run was judged by, or null (imported runs). */
  public ValidityReport.Thresholds thresholds() {
    return result.validity() == null ? null : result.validity().thresholds();
  }

  /** Whole-run duration in seconds (vLLM's throughput denominator). */
  public double durationS() {
    return result.totals().duration();
  }

  /** The run's label (bench {@code --label}), "" when none. */
  public String label() {
    return result.label() == null ? "" : result.label();
  }

  /** The goodput SLO the run counted {@code request_goodput} against, or null. */
  public Slo slo() {
    return result.totals().goodputSlo();
  }

  /** The URL the run measured, "" when unknown. */
  public String url() {
    return result.bench() == null || result.bench().url() == null ? "" : result.bench().url();
  }

  /** Failed requests in this run. */
  public int failed() {
    int n = 0;
    for (RequestRecord r : requests) {
      n += r.success() ? 0 : 1;
    }
    return n;
  }
}
