package io.fleetlb.lb.config;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * One DNS name whose addresses are replicas of one model ({@code discovery.dns[i]}), e.g. a
 * Kubernetes headless Service or a Consul name. Every A and AAAA record is a replica
 * ({@code <name>-<address>} as its id), re-resolved every {@code interval}.
 *
 * @param name the DNS name
 * @param port the replicas' port
 * @param model the model they serve
 * @param interval time between lookups, default 5s
 * @param scheme {@code http} or {@code https}, default {@code http}
 * @param maxInFlight each replica's in-flight limit, default
 *     {@code admission.max_in_flight_per_replica}
 */
public record DnsDiscoveryConfig(String name, Integer port, String model, Duration interval,
    String scheme, Integer maxInFlight) implements Validated {
  private static final Pattern HOST = Pattern.compile(
      "(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]"
          + "{0,61}[A-Za-z0-9])?)*\\.?");

  /** Fills in defaults for absent values. */
  public DnsDiscoveryConfig {
    interval = interval == null ? Duration.ofSeconds(5) : interval;
    scheme = scheme == null ? "http" : scheme;
  }

  @Override
  public void validate(Validation at) {
    at.check(name != null && HOST.matcher(name).matches(), "name", name, "must be a DNS name");
    at.check(port != null && port > 0 && port < 65536, "port", port,
        "must be between 1 and 65535");
    at.check(model != null && !model.isBlank(), "model", model, "must not be empty");
    at.check(interval.toMillis() >= 100, "interval", interval, "must be at least 100ms");
    at.check(scheme.equals("http") || scheme.equals("https"), "scheme", scheme,
        "must be http or https");
    at.check(maxInFlight == null || (maxInFlight >= 1 && maxInFlight <= 1_000_000),
        "max_in_flight", maxInFlight, "must be between 1 and 1000000");
  }
}
