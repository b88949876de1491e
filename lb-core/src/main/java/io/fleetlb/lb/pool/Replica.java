package io.fleetlb.lb.pool;

import io.fleetlb.lb.config.ReplicaConfig;
import io.vertx.core.net.SocketAddress;
import java.net.URI;

/**
 * One upstream replica, configured or discovered. Instances are created by a {@link ReplicaPool}
 * and compared by identity; policies receive them in candidate lists and return one. A replica
 * that leaves the pool keeps working for the requests still in flight on it.
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
  private final String hostHeader;
  private final ReplicaConfig config;
  private final ReplicaPool pool;
  private final ReplicaState state;

  Replica(ReplicaConfig config, int index, ReplicaPool pool) {
    URI uri = config.uri();
    this.config = config;
    this.id = config.id();
    this.model = config.model();
    this.index = index;
    this.pool = pool;
    this.host = uri.getHost();
    this.tls = "https".equalsIgnoreCase(uri.getScheme());
    this.port = uri.getPort() != -1 ? uri.getPort() : tls ? 443 : 80;
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    this.address = SocketAddress.inetSocketAddress(port, host);
    String h = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    this.hostHeader = port == (tls ? 443 : 80) ? h : h + ":" + port;
    this.state = new ReplicaState(this);
  }

  /** The id (shown to clients in {@code x-lb-replica}, never the address). */
  public String id() {
    return id;
  }

  /** The model this replica serves. */
  public String model() {
    return model;
  }

  /**
   * A number unique among the replicas this pool ever had (never reused), in the order they
   * joined: configuration order for configured replicas.
   */
  public int index() {
    return index;
  }

  /** The configuration it was created from (for a discovered replica, made by discovery). */
  public ReplicaConfig config() {
    return config;
  }

  /** Host name or address from the URL. */
  public String host() {
    return host;
  }

  /** Whether the replica is reached over TLS (an {@code https://} URL). */
  public boolean tls() {
    return tls;
  }

  /** Port from the URL (80, or 443 for https, when absent). */
  public int port() {
    return port;
  }

  /**
   * The {@code Host} header for requests to it: the URL's host (an IPv6 literal in brackets), with
   * the port unless it is the scheme's default.
   */
  public String hostHeader() {
    return hostHeader;
  }

  /** Path prefix from the URL without a trailing slash, usually empty. */
  public String basePath() {
    return basePath;
  }

  /** The socket address to connect to. */
  public SocketAddress address() {
    return address;
  }

  ReplicaPool pool() {
    return pool;
  }

  ReplicaState state() {
    return state;
  }

  @Override
  public String toString() {
    return id;
  }
}
