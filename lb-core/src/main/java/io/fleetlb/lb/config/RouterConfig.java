package io.fleetlb.lb.config;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole router configuration, immutable and validated: what {@link ConfigLoader} reads from
 * the YAML file both routers share. Every section has documented defaults (see docs/router.md).
 *
 * @param source where it was read from (a file name), used in error messages
 * @param listen the public listener
 * @param admin the admin listener
 * @param replicas the configured replicas (at least one unless replicas are discovered)
 * @param timeouts connect, first-byte, stream-idle, header and body read timeouts
 * @param retry retry-before-first-byte and its budget
 * @param ejection passive ejection of failing replicas
 * @param healthCheck active {@code /health} probing
 * @param limits body and header limits
 * @param upstream upstream connection pools
 * @param drain graceful drain
 * @param accessLog the access log
 * @param auth client keys and limits ({@link AuthConfig#NONE} when absent: an open API)
 * @param admission the in-flight limits and the router's queue
 * @param tls TLS on the public listener, null for plain HTTP
 * @param discovery replicas found while the router runs ({@link DiscoveryConfig#NONE} when
 *     absent)
 * @param sections router-specific sections ({@code scrape:}, {@code policy:}) by name: bound
 *     objects when the router registered a type for them, otherwise the raw tree
 */
public record RouterConfig(String source, ListenConfig listen, AdminConfig admin,
    List<ReplicaConfig> replicas, TimeoutsConfig timeouts, RetryConfig retry,
    EjectionConfig ejection, HealthCheckConfig healthCheck, LimitsConfig limits,
    UpstreamConfig upstream, DrainConfig drain, AccessLogConfig accessLog, AuthConfig auth,
    AdmissionConfig admission, TlsConfig tls, DiscoveryConfig discovery,
    Map<String, Object> sections) {

  /** Copies the collections so the record stays immutable. */
  public RouterConfig {
    Objects.requireNonNull(source, "source");
    auth = auth == null ? AuthConfig.NONE : auth;
    admission = admission == null ? AdmissionConfig.DEFAULT : admission;
    discovery = discovery == null ? DiscoveryConfig.NONE : discovery;
    replicas = List.copyOf(replicas);
    sections = Map.copyOf(sections);
  }

  /**
   * A router-specific section bound to the type the router registered with
   * {@link ConfigLoader#withSection}; empty when the section is absent from the file and
   * registered without defaults, or registered with another type.
   */
  public <T> Optional<T> section(String name, Class<T> type) {
    Object value = sections.get(name);
    return type.isInstance(value) ? Optional.of(type.cast(value)) : Optional.empty();
  }

  /** The in-flight limit of a replica: its own {@code max_in_flight}, else the admission's. */
  public int maxInFlight(ReplicaConfig replica) {
    return replica.maxInFlight() != null ? replica.maxInFlight()
        : admission.maxInFlightPerReplica();
  }

  /** This configuration with another public listener (a command-line override). */
  public RouterConfig withListen(ListenConfig value) {
    return new RouterConfig(source, value, admin, replicas, timeouts, retry, ejection,
        healthCheck, limits, upstream, drain, accessLog, auth, admission, tls, discovery, sections);
  }

  /** This configuration with another admin listener (a command-line override). */
  public RouterConfig withAdmin(AdminConfig value) {
    return new RouterConfig(source, listen, value, replicas, timeouts, retry, ejection,
        healthCheck, limits, upstream, drain, accessLog, auth, admission, tls, discovery, sections);
  }

  /** This configuration with another upstream section. */
  public RouterConfig withUpstream(UpstreamConfig value) {
    return new RouterConfig(source, listen, admin, replicas, timeouts, retry, ejection,
        healthCheck, limits, value, drain, accessLog, auth, admission, tls, discovery, sections);
  }

  /** This configuration with another drain setting (a command-line override). */
  public RouterConfig withDrain(DrainConfig value) {
    return new RouterConfig(source, listen, admin, replicas, timeouts, retry, ejection,
        healthCheck, limits, upstream, value, accessLog, auth, admission, tls, discovery, sections);
  }

  /** This configuration with another access-log setting (a command-line override). */
  public RouterConfig withAccessLog(AccessLogConfig value) {
    return new RouterConfig(source, listen, admin, replicas, timeouts, retry, ejection,
        healthCheck, limits, upstream, drain, value, auth, admission, tls, discovery, sections);
  }
}
