/**
 * TLS: the public listener's certificate, validated and re-read while the router runs
 * ({@link io.fleetlb.lb.tls.ServerCertificate}), and the client side for {@code https://}
 * replicas ({@link io.fleetlb.lb.tls.UpstreamTls}).
 */
package io.fleetlb.lb.tls;
