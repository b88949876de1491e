package io.fleetlb.lb.proxy;

import io.vertx.core.MultiMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Copies headers across the proxy, leaving out hop-by-hop headers (RFC 9110 section 7.6.1, plus
 * any named in {@code Connection}) and the few the router sets itself. Everything else, including
 * {@code Authorization}, passes unchanged.
 */
final class HeaderFilter {
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive",
      "proxy-connection", "proxy-authenticate", "proxy-authorization", "te", "trailer",
      "transfer-encoding", "upgrade", "http2-settings");
  /** Request headers the router sets itself (or that describe the client-side connection). */
  private static final Set<String> REQUEST_OWN = Set.of("host", "content-length", "expect",
      "x-lb-replica", "x-request-id");
  /** Response headers the router sets itself; {@code server} is hidden as NGINX does. */
  private static final Set<String> RESPONSE_OWN = Set.of("content-length", "x-lb-replica",
      "server", "x-request-id");

  private HeaderFilter() {}

  /** Copies client request headers to the upstream request. */
  static void copyRequest(MultiMap from, MultiMap to) {
    copy(from, to, REQUEST_OWN);
  }

  /** Copies upstream response headers to the client response. */
  static void copyResponse(MultiMap from, MultiMap to) {
    copy(from, to, RESPONSE_OWN);
  }

  private static void copy(MultiMap from, MultiMap to, Set<String> own) {
    String connection = from.get("connection");
    for (Map.Entry<String, String> h : from) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if (HOP_BY_HOP.contains(name) || own.contains(name) || name.startsWith(":")
          || (connection != null && listed(connection, name))) {
        continue;
      }
      to.add(h.getKey(), h.getValue());
    }
  }

  private static boolean listed(String connection, String name) {
    for (String token : connection.split(",")) {
      if (token.trim().equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }
}
