package io.fleetlb.lb.config;

import java.util.List;

/**
 * Client authentication and per-key limits ({@code auth:}). Without this section the API is
 * open (the router logs a warning at start).
 *
 * @param keys the keys, inline
 * @param keysFile a YAML file with more keys (a list of the same entries, or a mapping with
 *     {@code keys:}), re-read when it changes; a relative path is resolved against the
 *     configuration file's folder
 * @param upstreamAuthorization what replicas receive in {@code Authorization}: {@code keep} the
 *     client's header, {@code strip} it, or a fixed value such as {@code "Bearer ${VLLM_API_KEY}"}
 *     (for vLLM's {@code --api-key}; {@code ${NAME}} is read from the environment at start).
 *     Default {@code strip} when keys are configured (a client's key never reaches a replica),
 *     {@code keep} otherwise
 */
public record AuthConfig(List<ApiKeyConfig> keys, String keysFile, String upstreamAuthorization)
    implements Validated {
  /** No client authentication. */
  public static final AuthConfig NONE = new AuthConfig(null, null, null);

  /** Fills in defaults for absent values. */
  public AuthConfig {
    keys = keys == null ? List.of() : List.copyOf(keys);
  }

  /** Whether clients must present a key. */
  public boolean enabled() {
    return !keys.isEmpty() || keysFile != null;
  }

  /**
   * The resolved {@code upstream_authorization}: {@code keep}, {@code strip}, or the header value
   * to send (environment variables substituted).
   */
  public String upstreamMode() {
    if (upstreamAuthorization == null) {
      return enabled() ? "strip" : "keep";
    }
    return upstreamAuthorization;
  }

  @Override
  public void validate(Validation at) {
    for (int i = 0; i < keys.size(); i++) {
      at.check(keys.get(i) != null, "keys[" + i + "]", null, "must be a mapping");
      keys.get(i).validate(at.at("keys").index(i));
    }
    ApiKeys.checkUnique(keys, at.at("keys"));
    at.check(keysFile == null || !keysFile.isBlank(), "keys_file", keysFile,
        "must name a file");
    if (upstreamAuthorization != null) {
      String u = upstreamAuthorization;
      at.check(u.equals("keep") || u.equals("strip") || (u.length() > 1 && u.length() < 8192
          && u.chars().noneMatch(c -> c < 0x20 || c == 0x7f)), "upstream_authorization",
          u.length() > 16 ? u.substring(0, 16) + "..." : u,
          "must be keep, strip, or a header value such as \"Bearer ${VLLM_API_KEY}\"");
    }
  }
}
