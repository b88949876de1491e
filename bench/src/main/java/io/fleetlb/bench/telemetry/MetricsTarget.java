package io.fleetlb.bench.telemetry;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * One scrape target written {@code [ID=]URL[#gpu=N]}: the id joins the samples to a replica (the
 * router's {@code x-lb-replica} value), the URL is a Prometheus-text endpoint (a path-less URL
 * means {@code /metrics}), and the optional fragment keeps only one GPU of a multi-GPU
 * dcgm-exporter page.
 */
public record MetricsTarget(
    String id, String host, int port, boolean ssl, String path, String gpu, String url) {

  public static MetricsTarget parse(String spec, String flag) {
    String s = spec.trim();
    String id = null;
    int scheme = s.indexOf("://");
    int eq = s.indexOf('=');
    if (eq > 0 && (scheme < 0 || eq < scheme)) {
      id = s.substring(0, eq).trim();
      s = s.substring(eq + 1).trim();
    }
    String gpu = null;
    int hash = s.indexOf('#');
    if (hash >= 0) {
      String frag = s.substring(hash + 1);
      if (!frag.startsWith("gpu=") || frag.length() == 4) {
        throw new IllegalArgumentException(
            flag + " '" + spec + "': the only URL fragment understood is #gpu=N");
      }
      gpu = frag.substring(4);
      s = s.substring(0, hash);
    }
    URI u;
    try {
      u = new URI(s);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          flag + " '" + spec + "': not a URL (" + e.getReason() + ")");
    }
    if (u.getScheme() == null
        || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
        || u.getHost() == null) {
      throw new IllegalArgumentException(
          flag + " '" + spec + "': expected [ID=]http://host:port[/path][#gpu=N]");
    }
    boolean ssl = u.getScheme().equals("https");
    int port = u.getPort() > 0 ? u.getPort() : ssl ? 443 : 80;
    String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/metrics" : u.getRawPath();
    if (u.getRawQuery() != null) {
      path += "?" + u.getRawQuery();
    }
    if (id == null || id.isEmpty()) {
      id = u.getHost() + ":" + port + (gpu == null ? "" : "#gpu" + gpu);
    }
    return new MetricsTarget(id, u.getHost(), port, ssl, path, gpu, s);
  }
}
