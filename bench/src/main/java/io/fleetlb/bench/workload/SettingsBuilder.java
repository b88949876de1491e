package io.fleetlb.bench.workload;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds {@link WorkloadSettings} from vLLM-style defaults (random dataset, 1000 prompts, 1024 in /
 * 128 out, request rate inf, burstiness 1, seed 0); the CLI and tests share it so the defaults live
 * in one place.
 */
public final class SettingsBuilder {
  public String datasetName = "random";
  public String datasetPath;
  public Integer numPrompts;
  public List<ModelShare> models = new ArrayList<>();
  public List<RequestClass> classes = new ArrayList<>();
  public String endpoint = "/v1/chat/completions";
  public int randomInputLen = 1024;
  public int randomOutputLen = 128;
  public double randomRangeRatio = 0.0;
  public int randomPrefixLen = 0;
  public String inputLenDist;
  public String outputLenDist;
  public int sonnetInputLen = 550;
  public int sonnetOutputLen = 150;
  public int sonnetPrefixLen = 200;
  public Integer sharegptOutputLen;
  public double traceTimeScale = 1.0;
  public String traceTimeUnit = "auto";
  public double requestRate = Double.POSITIVE_INFINITY;
  public double burstiness = 1.0;
  public String arrivalPattern;
  public String rampUpStrategy;
  public Double rampUpStartRps;
  public Double rampUpEndRps;
  public Integer maxConcurrency;
  public Boolean ignoreEos;
  public Double temperature;
  public Double topP;
  public Integer topK;
  public String extraBody;
  public long seed = 0;

  public SettingsBuilder model(String name, double weight) {
    models.add(new ModelShare(name, weight, List.of()));
    return this;
  }

  /** Validates the combination and freezes it; messages name the offending flag. */
  public WorkloadSettings build() {
    if (models.isEmpty()) {
      throw new IllegalArgumentException("at least one --model NAME[=WEIGHT] is required");
    }
    if (!endpoint.endsWith("/chat/completions") && !endpoint.endsWith("/completions")) {
      throw new IllegalArgumentException(
          "--endpoint '" + endpoint + "' must end with /chat/completions or /completions");
    }
    if (numPrompts != null && numPrompts < 1) {
      throw new IllegalArgumentException("--num-prompts must be >= 1, got " + numPrompts);
    }
    if (!(requestRate > 0)) {
      throw new IllegalArgumentException("--request-rate must be > 0 (or inf), got " + requestRate);
    }
    if (!(burstiness > 0)) {
      throw new IllegalArgumentException("--burstiness must be > 0, got " + burstiness);
    }
    if (arrivalPattern != null
        && !List.of("poisson", "gamma", "constant").contains(arrivalPattern)) {
      throw new IllegalArgumentException(
          "--arrival-pattern '" + arrivalPattern + "' is not one of poisson, gamma, constant");
    }
    if ("poisson".equals(arrivalPattern) && burstiness != 1.0) {
      throw new IllegalArgumentException(
          "--arrival-pattern poisson means --burstiness 1; use gamma for " + burstiness);
    }
    if (rampUpStrategy != null) {
      if (!List.of("linear", "exponential").contains(rampUpStrategy)) {
        throw new IllegalArgumentException(
            "--ramp-up-strategy '" + rampUpStrategy + "' is not one of linear, exponential");
      }
      if (rampUpStartRps == null || rampUpEndRps == null) {
        throw new IllegalArgumentException(
            "--ramp-up-strategy needs --ramp-up-start-rps and --ramp-up-end-rps");
      }
      if (!Double.isInfinite(requestRate)) {
        throw new IllegalArgumentException(
            "--ramp-up-strategy controls the rate: do not also give --request-rate");
      }
    } else if (rampUpStartRps != null || rampUpEndRps != null) {
      throw new IllegalArgumentException(
          "--ramp-up-start-rps/--ramp-up-end-rps need --ramp-up-strategy");
    }
    if (maxConcurrency != null && maxConcurrency < 1) {
      throw new IllegalArgumentException("--max-concurrency must be >= 1, got " + maxConcurrency);
    }
    if (!classes.isEmpty() && (datasetName.equals("sharegpt") || datasetName.equals("trace"))) {
      throw new IllegalArgumentException(
          "--class needs a synthetic dataset (random or sonnet); "
              + datasetName
              + " takes its lengths from the file");
    }
    if (inputLenDist != null) {
      LengthDistribution.parse(inputLenDist);
    }
    if (outputLenDist != null) {
      LengthDistribution.parse(outputLenDist);
    }
    RequestBodies.parseExtra(extraBody);
    boolean eos =
        ignoreEos != null ? ignoreEos : datasetName.equals("random") || datasetName.equals("trace");
    return new WorkloadSettings(
        new WorkloadSettings.DatasetSettings(
            datasetName,
            datasetPath,
            numPrompts,
            randomInputLen,
            randomOutputLen,
            randomRangeRatio,
            randomPrefixLen,
            inputLenDist == null ? null : LengthDistribution.parse(inputLenDist).canonical(),
            outputLenDist == null ? null : LengthDistribution.parse(outputLenDist).canonical(),
            sonnetInputLen,
            sonnetOutputLen,
            sonnetPrefixLen,
            sharegptOutputLen,
            traceTimeScale,
            traceTimeUnit),
        models,
        classes,
        endpoint,
        new WorkloadSettings.ArrivalSettings(
            requestRate,
            burstiness,
            arrivalPattern,
            rampUpStrategy,
            rampUpStartRps,
            rampUpEndRps,
            maxConcurrency),
        new WorkloadSettings.SamplingSettings(eos, temperature, topP, topK, extraBody),
        seed);
  }
}
