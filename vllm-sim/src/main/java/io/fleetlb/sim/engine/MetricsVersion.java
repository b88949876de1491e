package io.fleetlb.sim.engine;

/** Which vLLM metric set and wire details a replica reproduces. */
public enum MetricsVersion {
  /** vLLM v0.6.4.post1, the V0 engine. */
  V0("0.6.4.post1"),
  /** vLLM v0.11 (V1 engine), the default. */
  V1("0.11.0");

  private final String vllmVersion;

  MetricsVersion(String vllmVersion) {
    this.vllmVersion = vllmVersion;
  }

  /** What {@code GET /version} reports. */
  public String vllmVersion() {
    return vllmVersion;
  }

  /** Parses {@code v0} / {@code v1} (case-insensitive). */
  public static MetricsVersion parse(String s) {
    switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "v0":
        return V0;
      case "v1":
        return V1;
      default:
        throw new IllegalArgumentException("metrics version must be v0 or v1, got '" + s + "'");
    }
  }
}
