package io.fleetlb.sim.replica;

import io.fleetlb.sim.engine.MetricsVersion;
import io.fleetlb.sim.engine.Profile;
import io.fleetlb.sim.engine.Profiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything one simulated replica is started with; immutable, with {@code with*} copies.
 *
 * @param id replica id (GPU telemetry {@code Hostname}, logs)
 * @param model served model name
 * @param profile model/GPU performance profile
 * @param host bind address
 * @param port port (0 = any free port)
 * @param maxNumSeqs running-set bound
 * @param maxNumBatchedTokens token budget per step
 * @param timeScale how many times faster than real time the engine clock runs
 * @param metricsVersion vLLM version whose metrics and wire details are reproduced
 * @param seed seed of the replica's random stream (output lengths and text without a request seed)
 * @param startupDelay time during which {@code /health} and the API answer 503 (model loading)
 * @param errorRate fraction of generation requests failed with a 500 before any output
 * @param stallAfter tokens after which every response stops sending and hangs (-1 = never)
 * @param slowdown step-time multiplier of a degraded GPU (1 = healthy)
 * @param keepAliveTimeout idle keep-alive connections are closed after this (uvicorn's default is 5
 *     s)
 * @param gpuIndex GPU index reported by telemetry
 * @param requestLog file the replica appends its request events to (see {@code RequestLog}), or
 *     null
 * @param enablePrefixCaching {@code --enable-prefix-caching} as given, or null for the default of
 *     the vLLM version mimicked (see {@link #prefixCaching()})
 * @param enablePromptTokensDetails {@code --enable-prompt-tokens-details}: usage reports {@code
 *     prompt_tokens_details.cached_tokens}
 */
public record ReplicaOptions(
    String id,
    String model,
    Profile profile,
    String host,
    int port,
    int maxNumSeqs,
    int maxNumBatchedTokens,
    double timeScale,
    MetricsVersion metricsVersion,
    long seed,
    Duration startupDelay,
    double errorRate,
    int stallAfter,
    double slowdown,
    Duration keepAliveTimeout,
    int gpuIndex,
    Path requestLog,
    Boolean enablePrefixCaching,
    boolean enablePromptTokensDetails) {

  public ReplicaOptions {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(metricsVersion, "metricsVersion");
    Objects.requireNonNull(startupDelay, "startupDelay");
    Objects.requireNonNull(keepAliveTimeout, "keepAliveTimeout");
    check(port >= 0 && port <= 65_535, "port", port);
    check(maxNumSeqs >= 1, "max-num-seqs", maxNumSeqs);
    check(maxNumBatchedTokens >= 1, "max-num-batched-tokens", maxNumBatchedTokens);
    check(timeScale > 0 && Double.isFinite(timeScale), "time-scale", timeScale);
    check(errorRate >= 0 && errorRate <= 1, "error-rate", errorRate);
    check(stallAfter >= -1, "stall-after", stallAfter);
    check(slowdown > 0 && Double.isFinite(slowdown), "slowdown", slowdown);
    check(!startupDelay.isNegative(), "startup-delay", startupDelay);
    check(gpuIndex >= 0, "gpu-index", gpuIndex);
  }

  /**
   * Whether the engine caches prefixes: as set, else vLLM's default for the version mimicked (on in
   * V1, off in v0.6.4).
   */
  public boolean prefixCaching() {
    return enablePrefixCaching != null ? enablePrefixCaching : metricsVersion == MetricsVersion.V1;
  }

  private static void check(boolean ok, String name, Object value) {
    if (!ok) {
      throw new IllegalArgumentException("invalid " + name + ": " + value);
    }
  }

  /**
   * A builder with the defaults for a model: profile chosen from its name, V1 defaults, real time,
   * healthy.
   */
  public static Builder builder(String model) {
    return new Builder(model);
  }

  /** A builder initialised with these options. */
  public Builder toBuilder() {
    Builder b = new Builder(model);
    b.id = id;
    b.profile = profile;
    b.host = host;
    b.port = port;
    b.maxNumSeqs = maxNumSeqs;
    b.maxNumBatchedTokens = maxNumBatchedTokens;
    b.timeScale = timeScale;
    b.metricsVersion = metricsVersion;
    b.seed = seed;
    b.startupDelay = startupDelay;
    b.errorRate = errorRate;
    b.stallAfter = stallAfter;
    b.slowdown = slowdown;
    b.keepAliveTimeout = keepAliveTimeout;
    b.gpuIndex = gpuIndex;
    b.requestLog = requestLog;
    b.enablePrefixCaching = enablePrefixCaching;
    b.enablePromptTokensDetails = enablePromptTokensDetails;
    return b;
  }

  /** Fluent construction of {@link ReplicaOptions}; validation happens in {@link #build()}. */
  public static final class Builder {
    private final String model;
    private String id = "replica";
    private Profile profile;
    private String host = "127.0.0.1";
    private int port;
    private Integer maxNumSeqs;
    private Integer maxNumBatchedTokens;
    private double timeScale = 1.0;
    private MetricsVersion metricsVersion = MetricsVersion.V1;
    private long seed;
    private Duration startupDelay = Duration.ZERO;
    private double errorRate;
    private int stallAfter = -1;
    private double slowdown = 1.0;
    private Duration keepAliveTimeout = Duration.ofSeconds(5);
    private int gpuIndex;
    private Path requestLog;
    private Boolean enablePrefixCaching;
    private boolean enablePromptTokensDetails;

    private Builder(String model) {
      this.model = Objects.requireNonNull(model, "model");
      this.profile = Profiles.forModel(model);
    }

    public Builder id(String v) {
      id = v;
      return this;
    }

    /** Sets the profile; engine limits not set explicitly follow the profile's defaults. */
    public Builder profile(Profile v) {
      profile = Objects.requireNonNull(v, "profile");
      return this;
    }

    public Builder host(String v) {
      host = v;
      return this;
    }

    public Builder port(int v) {
      port = v;
      return this;
    }

    public Builder maxNumSeqs(int v) {
      maxNumSeqs = v;
      return this;
    }

    public Builder maxNumBatchedTokens(int v) {
      maxNumBatchedTokens = v;
      return this;
    }

    public Builder timeScale(double v) {
      timeScale = v;
      return this;
    }

    public Builder metricsVersion(MetricsVersion v) {
      metricsVersion = v;
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    public Builder startupDelay(Duration v) {
      startupDelay = v;
      return this;
    }

    public Builder errorRate(double v) {
      errorRate = v;
      return this;
    }

    public Builder stallAfter(int v) {
      stallAfter = v;
      return this;
    }

    public Builder slowdown(double v) {
      slowdown = v;
      return this;
    }

    public Builder keepAliveTimeout(Duration v) {
      keepAliveTimeout = v;
      return this;
    }

    public Builder gpuIndex(int v) {
      gpuIndex = v;
      return this;
    }

    /** Appends the replica's request events to this file (null: no log). */
    public Builder requestLog(Path v) {
      requestLog = v;
      return this;
    }

    /** {@code --enable-prefix-caching} (true/false), or null for the version's default. */
    public Builder enablePrefixCaching(Boolean v) {
      enablePrefixCaching = v;
      return this;
    }

    public Builder enablePromptTokensDetails(boolean v) {
      enablePromptTokensDetails = v;
      return this;
    }

    /** Validates and builds; throws {@link IllegalArgumentException} naming the bad option. */
    public ReplicaOptions build() {
      return new ReplicaOptions(
          id,
          model,
          profile,
          host,
          port,
          maxNumSeqs != null ? maxNumSeqs : profile.maxNumSeqs(),
          maxNumBatchedTokens != null ? maxNumBatchedTokens : profile.maxNumBatchedTokens(),
          timeScale,
          metricsVersion,
          seed,
          startupDelay,
          errorRate,
          stallAfter,
          slowdown,
          keepAliveTimeout,
          gpuIndex,
          requestLog,
          enablePrefixCaching,
          enablePromptTokensDetails);
    }
  }
}
