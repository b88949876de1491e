package io.fleetlb.lb.roundrobin.overhead;

import io.fleetlb.lb.testing.Keys;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The router configurations measured side by side: without the access log, as shipped (access log
 * on, default admission limit), and with client API keys (rate-limited) plus a tight admission
 * limit and queue, whose requests carry the bearer key.
 */
enum Variant {
  NO_ACCESS_LOG("lb-roundrobin --no-access-log", "nolog", false, ""),
  DEFAULT("lb-roundrobin", "default", true, ""),
  AUTH_ADMISSION("lb-roundrobin +auth+admission", "auth", true, """
      auth:
        keys:
          - { id: bench, key_sha256: "%s", requests_per_minute: 100000000,
              tokens_per_minute: 1000000000 }
      admission: { max_in_flight_per_replica: 48, queue: { max_per_model: 1000, max_wait: 30s } }
      """.formatted(Keys.sha256(Variant.KEY)));

  /** The client key of the auth variant (its SHA-256 is in that router's configuration). */
  static final String KEY = "sk-bench-router-overhead";

  final String label;
  final String slug;
  final boolean accessLog;
  final String extraYaml;

  Variant(String label, String slug, boolean accessLog, String extraYaml) {
    this.label = label;
    this.slug = slug;
    this.accessLog = accessLog;
    this.extraYaml = extraYaml;
  }

  /** The {@code Authorization} value its clients send, or null. */
  String authorization() {
    return extraYaml.contains("auth:") ? "Bearer " + KEY : null;
  }

  /** What each variant adds to the shared configuration, for the report. */
  static Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    for (Variant v : values()) {
      m.put(v.label, (v.accessLog ? "access log to a file" : "access_log.enabled: false")
          + (v.extraYaml.isEmpty() ? "" : "; " + v.extraYaml.replaceAll("\\s+", " ").trim()
              .replace(Keys.sha256(KEY), "...")));
    }
    return m;
  }
}
