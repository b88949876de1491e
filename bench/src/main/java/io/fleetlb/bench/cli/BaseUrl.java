package io.fleetlb.bench.cli;

import java.net.URI;
import java.net.URISyntaxException;

/** A server's base URL ({@code http://host:port}), as {@code --url} must give it. */
public record BaseUrl(String host, int port, boolean ssl, String text) {

  public static BaseUrl parse(String url) {
    URI u;
    try {
      u = new URI(url.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("--url '" + url + "' is not a URL: " + e.getReason());
    }
    if (u.getScheme() == null
        || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
        || u.getHost() == null) {
      throw new IllegalArgumentException(
          "--url '" + url + "' must be a base URL such as http://127.0.0.1:8080");
    }
    String path = u.getRawPath();
    if (path != null && !path.isEmpty() && !path.equals("/")) {
      throw new IllegalArgumentException(
          "--url '"
              + url
              + "' must be a base URL without a path (got '"
              + path
              + "'); the request path comes from the workload or --endpoint");
    }
    boolean ssl = u.getScheme().equals("https");
    int port = u.getPort() > 0 ? u.getPort() : ssl ? 443 : 80;
    return new BaseUrl(u.getHost(), port, ssl, u.getScheme() + "://" + u.getHost() + ":" + port);
  }
}
