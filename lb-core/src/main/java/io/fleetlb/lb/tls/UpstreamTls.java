package io.fleetlb.lb.tls;

import io.fleetlb.lb.config.UpstreamConfig;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.PemTrustOptions;

/**
 * The client side of TLS to {@code https://} replicas, shared by the proxy, the health prober and
 * router extensions such as the metrics scraper: the trusted certificates
 * ({@code upstream.ca_file}, else the JVM's trust store) and host-name verification. TLS itself
 * is switched on per request for the replicas whose URL says {@code https}.
 */
public final class UpstreamTls {
  private UpstreamTls() {}

  /** Applies the upstream TLS settings to client options and returns them. */
  public static HttpClientOptions apply(HttpClientOptions options, UpstreamConfig upstream) {
    options.setVerifyHost(upstream.verifyHostname());
    if (upstream.caFile() != null) {
      options.setTrustOptions(new PemTrustOptions().addCertPath(upstream.caFile()));
    }
    return options;
  }
}
