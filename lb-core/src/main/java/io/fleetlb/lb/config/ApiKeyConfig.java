package io.fleetlb.lb.config;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One client API key ({@code auth.keys[i]}, or an entry of {@code auth.keys_file}). The key itself
 * never appears in configuration: only the SHA-256 of the bearer token, so a leaked file does not
 * leak access.
 *
 * @param id a short name shown in logs and metric labels (never the key): letters, digits,
 *     {@code . _ -}, unique
 * @param keySha256 the SHA-256 of the token clients send, 64 hex digits ({@code printf %s KEY |
 *     sha256sum}); unique
 * @param models the models this key may use, or {@code ["*"]} (the default) for every model; a
 *     request for another model gets 403
 * @param requestsPerMinute optional limit: a token bucket of this many requests refilled
 *     continuously over a minute; absent = unlimited
 * @param tokensPerMinute optional limit on estimated prompt tokens plus requested output tokens
 *     ({@code max_tokens} / {@code max_completion_tokens}) per minute, charged when the request is
 *     admitted; absent = unlimited
 */
public record ApiKeyConfig(String id, String keySha256, List<String> models,
    Long requestsPerMinute, Long tokensPerMinute) implements Validated {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{64}");

  /** Fills in defaults for absent values. */
  public ApiKeyConfig {
    models = models == null ? List.of("*") : List.copyOf(models);
  }

  /** Whether the key may use every model. */
  public boolean allModels() {
    return models.contains("*");
  }

  @Override
  public void validate(Validation at) {
    at.check(id != null && ID.matcher(id).matches(), "id", id,
        "must be 1-64 letters, digits, '.', '_' or '-'");
    at.check(keySha256 != null, "key_sha256", keySha256,
        "is required: the SHA-256 of the key in hex (printf %s \"$KEY\" | sha256sum)");
    at.check(HEX.matcher(keySha256).matches(), "key_sha256", keySha256.length() > 12
        ? keySha256.substring(0, 12) + "..." : keySha256,
        "must be 64 hex digits, the SHA-256 of the key (plain keys are never written in"
            + " configuration)");
    at.check(!models.isEmpty(), "models", models, "must name at least one model, or \"*\"");
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < models.size(); i++) {
      String m = models.get(i);
      at.check(m != null && !m.isBlank(), "models[" + i + "]", m, "must not be empty");
      at.check(seen.add(m), "models[" + i + "]", m, "is listed twice");
    }
    at.check(requestsPerMinute == null || (requestsPerMinute >= 1
        && requestsPerMinute <= 100_000_000L), "requests_per_minute", requestsPerMinute,
        "must be between 1 and 100000000");
    at.check(tokensPerMinute == null || (tokensPerMinute >= 1
        && tokensPerMinute <= 100_000_000_000L), "tokens_per_minute", tokensPerMinute,
        "must be between 1 and 100000000000");
  }
}
