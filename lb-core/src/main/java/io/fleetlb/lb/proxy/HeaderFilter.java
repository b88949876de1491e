package io.fleetlb.lb.proxy;

import io.vertx.core.MultiMap;
import java.util.Map;

/**
 * Copies headers across the proxy, leaving out hop-by-hop headers (RFC 9110 section 7.6.1, plus
 * any named in {@code Connection}) and the few the router sets itself. Everything else, including
 * {@code Authorization}, passes unchanged.
 *
 * <p>Names are matched case-insensitively without allocating: this runs twice per request.
 */
final class HeaderFilter {
  private static final String[] HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection",
      "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding",
      "upgrade", "http2-settings"};
  /** Request headers the router sets itself (or that describe the client-side connection). */
  private static final String[] REQUEST_OWN = {"host", "content-length", "expect",
      "x-lb-replica", "x-request-id"};
  /** Response headers the router sets itself; {@code server} is hidden as NGINX does. */
  private static final String[] RESPONSE_OWN = {"content-length", "x-lb-replica", "server",
      "x-request-id"};

  private HeaderFilter() {}

  /** Copies client request headers to the upstream request. */
  static void copyRequest(MultiMap from, MultiMap to) {
    copy(from, to, REQUEST_OWN);
  }

  /** Copies upstream response headers to the client response. */
  static void copyResponse(MultiMap from, MultiMap to) {
    copy(from, to, RESPONSE_OWN);
  }

  private static void copy(MultiMap from, MultiMap to, String[] own) {
    String connection = from.get("connection");
    for (Map.Entry<String, String> h : from) {
      String name = h.getKey();
      if (name.isEmpty() || name.charAt(0) == ':' || in(name, HOP_BY_HOP) || in(name, own)
          || (connection != null && listed(connection, name))) {
        continue;
      }
      to.add(name, h.getValue());
    }
  }

  private static boolean in(String name, String[] lowerCaseNames) {
    for (String n : lowerCaseNames) {
      if (n.length() == name.length() && n.regionMatches(true, 0, name, 0, n.length())) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code name} is one of the comma-separated tokens of a Connection header. */
  private static boolean listed(String connection, String name) {
    int n = connection.length();
    int i = 0;
    while (i < n) {
      int end = connection.indexOf(',', i);
      if (end < 0) {
        end = n;
      }
      int a = i;
      int b = end;
      while (a < b && connection.charAt(a) == ' ') {
        a++;
      }
      while (b > a && connection.charAt(b - 1) == ' ') {
        b--;
      }
      if (b - a == name.length() && connection.regionMatches(true, a, name, 0, b - a)) {
        return true;
      }
      i = end + 1;
    }
    return false;
  }
}
