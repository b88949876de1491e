package io.fleetlb.lb.proxy;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import io.vertx.core.MultiMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which headers cross the proxy. Requests: everything the client sent except hop-by-hop headers
 * (RFC 9110 section 7.6.1, plus any named in {@code Connection}), the few the router sets itself,
 * and — unless the peer is a trusted proxy — the forwarding headers a client could forge.
 * Responses: an allow-list only (content type and encoding, caching, {@code Retry-After}, OpenAI's
 * {@code openai-*} and CORS headers, plus {@code upstream.response_headers}), so a replica's
 * {@code Location}, {@code Set-Cookie}, {@code Server} or internal {@code X-*} headers never reach
 * a client.
 *
 * <p>Names are matched case-insensitively without allocating: this runs twice per request.
 */
final class HeaderFilter {
  private static final String[] HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection",
      "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding",
      "upgrade", "http2-settings"};
  /** Request headers the router sets itself (or that describe the client-side connection). */
  private static final String[] REQUEST_OWN = {"host", "content-length", "expect",
      "x-lb-replica", "x-request-id", "x-forwarded-for", "x-forwarded-proto"};
  /** Forwarding headers believed only from a trusted proxy. */
  private static final String[] FORWARDING = {"forwarded", "x-forwarded-host", "x-real-ip"};
  /** Response headers relayed from a replica; everything else is dropped. */
  private static final String[] RESPONSE_ALLOWED = {"content-type", "content-encoding",
      "content-language", "cache-control", "pragma", "expires", "date", "vary", "retry-after"};
  private static final String[] RESPONSE_ALLOWED_PREFIXES = {"openai-",
      "access-control-"};

  private final String[] extraResponse;
  private final String[] credentials;

  /**
   * A filter for one router.
   *
   * @param extraResponseHeaders more response headers to relay ({@code upstream.response_headers})
   * @param dropCredentials whether the client's {@code Authorization} and {@code api-key} stay
   *     with the router (client keys checked by the router, or replaced for the replicas)
   */
  HeaderFilter(List<String> extraResponseHeaders, boolean dropCredentials) {
    this.extraResponse = extraResponseHeaders.stream().map(h -> h.toLowerCase(Locale.ROOT))
        .toArray(String[]::new);
    this.credentials = dropCredentials ? new String[] {"authorization", "api-key"}
        : new String[0];
  }

  /** Copies client request headers to the upstream request. */
  void copyRequest(MultiMap from, MultiMap to, boolean trustedPeer) {
    String connection = from.get("connection");
    for (Map.Entry<String, String> h : from) {
      String name = h.getKey();
      if (name.isEmpty() || name.charAt(0) == ':' || in(name, HOP_BY_HOP)
          || in(name, REQUEST_OWN) || in(name, credentials)
          || (!trustedPeer && in(name, FORWARDING))
          || (connection != null && listed(connection, name))) {
        continue;
      }
      to.add(name, h.getValue());
    }
  }

  /**
   * Copies the allowed upstream response headers to the client response, as the decoder made
   * them (names stay Netty's {@code AsciiString}s: no copy into a String and back to bytes).
   */
  void copyResponse(HttpHeaders from, MultiMap to) {
    Iterator<Map.Entry<CharSequence, CharSequence>> it = from.iteratorCharSequence();
    while (it.hasNext()) {
      Map.Entry<CharSequence, CharSequence> h = it.next();
      CharSequence name = h.getKey();
      if (in(name, RESPONSE_ALLOWED) || prefixed(name) || in(name, extraResponse)) {
        to.add(name, h.getValue());
      }
    }
  }

  private static boolean prefixed(CharSequence name) {
    for (String p : RESPONSE_ALLOWED_PREFIXES) {
      if (name.length() > p.length()
          && AsciiString.regionMatches(name, true, 0, p, 0, p.length())) {
        return true;
      }
    }
    return false;
  }

  private static boolean in(CharSequence name, String[] lowerCaseNames) {
    for (String n : lowerCaseNames) {
      if (n.length() == name.length() && AsciiString.contentEqualsIgnoreCase(n, name)) {
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
