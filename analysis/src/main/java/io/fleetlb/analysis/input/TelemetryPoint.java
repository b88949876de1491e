package io.fleetlb.analysis.input;

/**
 * One telemetry reading of a run, on the run's clock: a GPU reading ({@code gpu} or
 * {@code nvidia-smi}: utilisation and power) or a vLLM server reading (requests waiting and
 * running). Fields a reading lacks are NaN.
 */
public record TelemetryPoint(double tS, String source, String id, double utilPct, double powerW,
    double waiting, double running) {

  /** Whether this is a GPU reading (DCGM exporter or nvidia-smi). */
  public boolean isGpu() {
    return "gpu".equals(source) || "nvidia-smi".equals(source);
  }

  /** Whether this is a vLLM {@code /metrics} reading. */
  public boolean isServer() {
    return "server".equals(source);
  }
}
