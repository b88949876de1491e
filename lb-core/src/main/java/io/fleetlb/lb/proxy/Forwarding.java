package io.fleetlb.lb.proxy;

import io.fleetlb.lb.config.Cidr;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;

/**
 * The forwarding headers the router sends upstream and the client address it logs. A peer in
 * {@code listen.trusted_proxies} (a load balancer in front of the router) is believed: its
 * {@code X-Forwarded-For} is extended and the client is the right-most address in it that is not
 * itself a trusted proxy. Any other peer is the client, and what it wrote in those headers is
 * replaced, because it could name any address.
 */
final class Forwarding {
  private final List<Cidr> trusted;

  Forwarding(List<Cidr> trusted) {
    this.trusted = List.copyOf(trusted);
  }

  /** Whether the request's peer is a trusted proxy. */
  boolean trustedPeer(HttpServerRequest req) {
    return !trusted.isEmpty() && isTrusted(req.remoteAddress());
  }

  /** The {@code X-Forwarded-For} value for the upstream request, null when the peer is unknown. */
  String forwardedFor(HttpServerRequest req, boolean trustedPeer) {
    SocketAddress peer = req.remoteAddress();
    String address = peer == null ? null : peer.hostAddress();
    if (address == null) {
      return null;
    }
    String chain = trustedPeer ? req.getHeader("x-forwarded-for") : null;
    return chain == null || chain.isBlank() ? address : chain + ", " + address;
  }

  /** The {@code X-Forwarded-Proto} value: a trusted proxy's, else the listener's scheme. */
  static String forwardedProto(HttpServerRequest req, boolean trustedPeer) {
    String proto = trustedPeer ? req.getHeader("x-forwarded-proto") : null;
    if (proto != null && ("http".equalsIgnoreCase(proto) || "https".equalsIgnoreCase(proto))) {
      return proto.toLowerCase(Locale.ROOT);
    }
    return req.isSSL() ? "https" : "http";
  }

  /** The address the request came from: the peer, or the client a trusted proxy names. */
  String client(HttpServerRequest req, boolean trustedPeer) {
    SocketAddress peer = req.remoteAddress();
    String address = peer == null ? null : peer.hostAddress();
    if (!trustedPeer) {
      return address;
    }
    String chain = req.getHeader("x-forwarded-for");
    if (chain == null) {
      return address;
    }
    String[] hops = chain.split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].trim();
      if (hop.isEmpty()) {
        continue;
      }
      if (!isTrustedLiteral(hop)) {
        return hop.length() <= 64 ? hop : hop.substring(0, 64);
      }
    }
    return address;
  }

  private boolean isTrusted(SocketAddress address) {
    if (address == null || address.hostAddress() == null) {
      return false;
    }
    return isTrustedLiteral(address.hostAddress());
  }

  private boolean isTrustedLiteral(String ip) {
    if (!NetUtil.isValidIpV4Address(ip) && !NetUtil.isValidIpV6Address(ip)) {
      return false;
    }
    InetSocketAddress a =
        new InetSocketAddress(NetUtil.createInetAddressFromIpAddressString(ip), 0);
    for (Cidr c : trusted) {
      if (c.contains(a)) {
        return true;
      }
    }
    return false;
  }
}
