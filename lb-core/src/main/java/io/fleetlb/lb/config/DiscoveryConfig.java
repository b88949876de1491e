package io.fleetlb.lb.config;

import java.util.List;

/**
 * Replicas found while the router runs ({@code discovery:}), instead of or besides the static
 * {@code replicas:} list: from Kubernetes EndpointSlices, or from DNS names. A discovered replica
 * joins once a health probe passes; one that disappears (or turns not ready, or terminating)
 * leaves, and its requests in flight finish.
 *
 * @param kubernetes watch Services and their EndpointSlices; null when not used
 * @param dns resolve names periodically; empty when not used
 * @param dnsServer the DNS server to ask ({@code host:port}), default: the system's
 *     ({@code /etc/resolv.conf})
 */
public record DiscoveryConfig(KubernetesDiscoveryConfig kubernetes, List<DnsDiscoveryConfig> dns,
    String dnsServer) implements Validated {
  /** No discovery. */
  public static final DiscoveryConfig NONE = new DiscoveryConfig(null, null, null);

  /** Fills in defaults for absent values. */
  public DiscoveryConfig {
    dns = dns == null ? List.of() : List.copyOf(dns);
  }

  /** Whether any source is configured. */
  public boolean enabled() {
    return kubernetes != null || !dns.isEmpty();
  }

  @Override
  public void validate(Validation at) {
    if (kubernetes != null) {
      kubernetes.validate(at.at("kubernetes"));
    }
    for (int i = 0; i < dns.size(); i++) {
      at.check(dns.get(i) != null, "dns[" + i + "]", null, "must be a mapping");
      dns.get(i).validate(at.at("dns").index(i));
    }
    if (dnsServer != null) {
      int colon = dnsServer.lastIndexOf(':');
      boolean ok = colon > 0 && colon < dnsServer.length() - 1;
      if (ok) {
        try {
          int port = Integer.parseInt(dnsServer.substring(colon + 1));
          ok = port > 0 && port < 65536;
        } catch (NumberFormatException e) {
          ok = false;
        }
      }
      at.check(ok, "dns_server", dnsServer, "must be host:port, e.g. 10.96.0.10:53");
    }
  }
}
