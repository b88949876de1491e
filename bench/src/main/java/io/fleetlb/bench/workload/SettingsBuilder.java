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
  public int prefixRepetitionPrefixLen = 256;
  public int prefixRepetitionSuffixLen = 256;
  public int prefixRepetitionNumPrefixes = 10;
  public int prefixRepetitionOutputLen = 128;
  public Integer numSessions;
  public Double sessionTurnsMean;
  public Double sessionTurnsStddev;
  public Double sessionTurnDelayMean;
  public Double sessionTurnDelayStddev;
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
    boolean fromFile = datasetName.equals("sharegpt") || datasetName.equals("trace");
    boolean prefixRepetition = datasetName.equals("prefix_repetition");
    boolean anyClass = !classes.isEmpty() || models.stream().anyMatch(m -> !m.classes().isEmpty());
    if (anyClass && (fromFile || prefixRepetition)) {
      throw new IllegalArgumentException(
          "--class needs a synthetic dataset (random or sonnet); "
              + datasetName
              + (prefixRepetition
                  ? " takes its lengths from the --prefix-repetition-* flags"
                  : " takes its lengths from the file"));
    }
    if (prefixRepetition && (inputLenDist != null || outputLenDist != null)) {
      throw new IllegalArgumentException(
          "--input-len-dist/--output-len-dist do not apply to prefix_repetition: use"
              + " --prefix-repetition-suffix-len and --prefix-repetition-output-len");
    }
    WorkloadSettings.PrefixRepetitionSettings pr = prefixRepetition ? prefixRepetition() : null;
    WorkloadSettings.SessionSettings sessions = sessions(fromFile || prefixRepetition);
    if (inputLenDist != null) {
      LengthDistribution.parse(inputLenDist);
    }
    if (outputLenDist != null) {
      LengthDistribution.parse(outputLenDist);
    }
    RequestBodies.parseExtra(extraBody);
    boolean eos =
        ignoreEos != null
            ? ignoreEos
            : datasetName.equals("random")
                || datasetName.equals("trace")
                || datasetName.equals("prefix_repetition");
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
        pr,
        sessions,
        seed);
  }

  private WorkloadSettings.PrefixRepetitionSettings prefixRepetition() {
    if (prefixRepetitionPrefixLen < 0) {
      throw new IllegalArgumentException(
          "--prefix-repetition-prefix-len must be >= 0, got " + prefixRepetitionPrefixLen);
    }
    if (prefixRepetitionSuffixLen < 0) {
      throw new IllegalArgumentException(
          "--prefix-repetition-suffix-len must be >= 0, got " + prefixRepetitionSuffixLen);
    }
    if (prefixRepetitionPrefixLen + prefixRepetitionSuffixLen < 1) {
      throw new IllegalArgumentException(
          "--prefix-repetition-prefix-len + --prefix-repetition-suffix-len must be >= 1");
    }
    if (prefixRepetitionNumPrefixes < 1) {
      throw new IllegalArgumentException(
          "--prefix-repetition-num-prefixes must be >= 1, got " + prefixRepetitionNumPrefixes);
    }
    if (prefixRepetitionOutputLen < 1) {
      throw new IllegalArgumentException(
          "--prefix-repetition-output-len must be >= 1, got " + prefixRepetitionOutputLen);
    }
    int n = numPrompts != null ? numPrompts : 1000;
    if (n < prefixRepetitionNumPrefixes) {
      // vLLM: prompts per prefix is num_requests // num_prefixes, and 0 is an error
      throw new IllegalArgumentException(
          "--num-prompts ("
              + n
              + ") must be >= --prefix-repetition-num-prefixes ("
              + prefixRepetitionNumPrefixes
              + ")");
    }
    return new WorkloadSettings.PrefixRepetitionSettings(
        prefixRepetitionPrefixLen,
        prefixRepetitionSuffixLen,
        prefixRepetitionNumPrefixes,
        prefixRepetitionOutputLen);
  }

  private WorkloadSettings.SessionSettings sessions(boolean notSynthetic) {
    if (numSessions == null) {
      String stray =
          sessionTurnsMean != null
              ? "--session-turns-mean"
              : sessionTurnsStddev != null
                  ? "--session-turns-stddev"
                  : sessionTurnDelayMean != null
                      ? "--session-turn-delay-mean"
                      : sessionTurnDelayStddev != null ? "--session-turn-delay-stddev" : null;
      if (stray != null) {
        throw new IllegalArgumentException(stray + " needs --num-sessions N");
      }
      return null;
    }
    if (numSessions < 1) {
      throw new IllegalArgumentException("--num-sessions must be >= 1, got " + numSessions);
    }
    if (!endpoint.endsWith("/chat/completions")) {
      throw new IllegalArgumentException(
          "--num-sessions needs a chat endpoint (a conversation is a list of messages), got"
              + " --endpoint "
              + endpoint);
    }
    if (notSynthetic) {
      throw new IllegalArgumentException(
          "--num-sessions needs a synthetic dataset (random or sonnet), got --dataset-name "
              + datasetName);
    }
    double turns = sessionTurnsMean == null ? 1 : sessionTurnsMean;
    double turnsSd = sessionTurnsStddev == null ? 0 : sessionTurnsStddev;
    double delay = sessionTurnDelayMean == null ? 0 : sessionTurnDelayMean;
    double delaySd = sessionTurnDelayStddev == null ? 0 : sessionTurnDelayStddev;
    if (!(turns >= 1) || !Double.isFinite(turns)) {
      throw new IllegalArgumentException("--session-turns-mean must be >= 1, got " + turns);
    }
    if (!(turnsSd >= 0) || !Double.isFinite(turnsSd)) {
      throw new IllegalArgumentException("--session-turns-stddev must be >= 0, got " + turnsSd);
    }
    if (!(delay >= 0) || !Double.isFinite(delay)) {
      throw new IllegalArgumentException("--session-turn-delay-mean must be >= 0 ms, got " + delay);
    }
    if (!(delaySd >= 0) || !Double.isFinite(delaySd)) {
      throw new IllegalArgumentException(
          "--session-turn-delay-stddev must be >= 0 ms, got " + delaySd);
    }
    return new WorkloadSettings.SessionSettings(numSessions, turns, turnsSd, delay, delaySd);
  }
}
