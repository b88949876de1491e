package io.fleetlb.lb.pool;

import io.fleetlb.lb.config.ReplicaConfig;
import io.vertx.core.net.SocketAddress;
import java.net.URI;

/**
 * One configured upstream replica. Instances are created once at start-up and compared by
 * identity; policies receive them in candidate lists and return one.
 */
public final class Replica {
  private final String id;
  private final String model;
  private final int index;
  private final String host;
  private final int port;
  private final String basePath;
  private final SocketAddress address;
  private final boolean tls;

  Replica(ReplicaConfig config, int index) {
    URI uri = config.uri();
    this.id = config.id();
    this.model = config.model();
    this.index = index;
    this.host = uri.getHost();
    this.tls = "https".equalsIgnoreCase(uri.getScheme());
    this.port = uri.getPort() != -1 ? uri.getPort() : tls ? 443 : 80;
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    this.address = SocketAddress.inetSocketAddress(port, host);
  }

  /** The configured id (shown to clients in {@code x-lb-replica}, never the address). */
  public String id() {
    return id;
  }

  /** The model this replica serves. */
  public String model() {
    return model;
  }

  /** Position in the configured replica list, 0-based; stable for the router's lifetime. */
  public int index() {
    return index;
  }

  /** Host name or address from the configured URL. */
  public String host() {
    return host;
  }

  /** Whether the replica is reached over TLS (an {@code https://} URL). */
  public boolean tls() {
    return tls;
  }

  /** Port from the configured URL (80, or 443 for https, when absent). */
  public int port() {
    return port;
  }

  /** Path prefix from the configured URL without a trailing slash, usually empty. */
  public String basePath() {
    return basePath;
  }

  /** The socket address to connect to. */
  public SocketAddress address() {
    return address;
  }

  @Override
  public String toString() {
    return id;
  }
}
