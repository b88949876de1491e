package io.fleetlb.bench.calibrate;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Parameters of a calibration: the mock's timing, the request shape, the rates and the gates. */
public record CalibrationSettings(
    long ttftNs,
    long itlNs,
    int outputTokens,
    int inputTokens,
    List<Double> rates,
    double stepSeconds,
    double fidelityRate,
    double fidelitySeconds,
    double warmupSeconds,
    String arrivalPattern,
    double burstiness,
    long seed,
    int clientEventLoops,
    int serverEventLoops,
    double minAchievedRatio,
    double maxP99LagMs,
    int attempts,
    long maxTimeNs,
    double floorSeconds,
    double stepWarmupSeconds,
    int refinements) {
  static final String MODEL = "calibrate";

  public CalibrationSettings {
    rates = List.copyOf(rates);
  }

  ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("ttft_ms", ttftNs / 1e6);
    o.put("itl_ms", itlNs / 1e6);
    o.put("output_tokens", outputTokens);
    o.put("input_tokens", inputTokens);
    var r = o.putArray("rates");
    rates.forEach(r::add);
    o.put("step_s", stepSeconds);
    o.put("fidelity_rate", fidelityRate);
    o.put("fidelity_s", fidelitySeconds);
    o.put("warmup_s", warmupSeconds);
    o.put("arrival_pattern", arrivalPattern);
    o.put("seed", seed);
    o.put("client_event_loops", clientEventLoops);
    o.put("server_event_loops", serverEventLoops);
    o.put("min_achieved_ratio", minAchievedRatio);
    o.put("max_p99_schedule_lag_ms", maxP99LagMs);
    o.put("attempts", attempts);
    o.put("floor_s", floorSeconds);
    o.put("step_warmup_s", stepWarmupSeconds);
    o.put("refinements", refinements);
    return o;
  }
}
