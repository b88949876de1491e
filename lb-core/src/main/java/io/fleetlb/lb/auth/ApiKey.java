package io.fleetlb.lb.auth;

import io.fleetlb.lb.config.ApiKeyConfig;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;

/**
 * A client key as the router uses it: its id, the hash it is checked against, the models it may
 * use and its rate-limit buckets (kept across reloads of the key list while the key's limits stay
 * the same, so a reload does not hand out a fresh minute).
 */
public final class ApiKey {
  private final String id;
  private final byte[] digest;
  private final Set<String> models;
  private final boolean allModels;
  private final TokenBucket requests;
  private final TokenBucket tokens;

  private ApiKey(String id, byte[] digest, Set<String> models, boolean allModels,
      TokenBucket requests, TokenBucket tokens) {
    this.id = id;
    this.digest = digest;
    this.models = models;
    this.allModels = allModels;
    this.requests = requests;
    this.tokens = tokens;
  }

  /** A key from its validated configuration, reusing {@code previous}'s buckets when it has any. */
  static ApiKey of(ApiKeyConfig c, ApiKey previous, long nowNanos) {
    byte[] digest = HexFormat.of().parseHex(c.keySha256().toLowerCase(Locale.ROOT));
    return new ApiKey(c.id(), digest, Set.copyOf(c.models()), c.allModels(),
        bucket(c.requestsPerMinute(), previous == null ? null : previous.requests, nowNanos),
        bucket(c.tokensPerMinute(), previous == null ? null : previous.tokens, nowNanos));
  }

  private static TokenBucket bucket(Long limit, TokenBucket previous, long nowNanos) {
    if (limit == null) {
      return null;
    }
    if (previous == null) {
      return new TokenBucket(limit, nowNanos);
    }
    return previous.capacity() == limit ? previous : previous.resized(limit, nowNanos);
  }

  /** The id shown in logs and metrics. */
  public String id() {
    return id;
  }

  byte[] digest() {
    return digest;
  }

  /** Whether the key may use {@code model}. */
  public boolean allows(String model) {
    return allModels || models.contains(model);
  }

  /** The requests-per-minute bucket, null when unlimited. */
  public TokenBucket requests() {
    return requests;
  }

  /** The tokens-per-minute bucket, null when unlimited. */
  public TokenBucket tokens() {
    return tokens;
  }
}
