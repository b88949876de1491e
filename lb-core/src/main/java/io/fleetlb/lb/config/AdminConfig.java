package io.fleetlb.lb.config;

/**
 * The admin listener ({@code admin:}) serving {@code /metrics}, {@code /health} and
 * {@code /replicas}; bound to loopback by default because it is not meant to be public.
 *
 * @param host address to bind, default {@code 127.0.0.1}
 * @param port TCP port, default 9090; 0 picks a free port
 */
public record AdminConfig(String host, Integer port) implements Validated {
  /** The defaults. */
  public static final AdminConfig DEFAULT = new AdminConfig(null, null);

  /** Fills in defaults for absent values. */
  public AdminConfig {
    host = host == null ? "127.0.0.1" : host;
    port = port == null ? 9090 : port;
  }

  @Override
  public void validate(Validation at) {
    at.check(!host.isBlank(), "host", host, "must not be empty");
    at.range(port, 0, 65535, "port");
  }
}
