package io.fleetlb.lb.config;

import java.util.List;

/**
 * The public OpenAI-compatible listener ({@code listen:}).
 *
 * @param host address to bind, default {@code 0.0.0.0}
 * @param port TCP port, default 8080; 0 picks a free port (read it back from the running router)
 * @param eventLoops event-loop threads serving requests, default 0 = one per CPU core
 * @param h2c also accept HTTP/2 over cleartext (prior knowledge or {@code Upgrade: h2c}), so one
 *     connection can carry many streams; default false. When on, Vert.x only hands a connection
 *     to the router once its first request head is complete, so {@code timeouts.header_read}
 *     then applies from the first request on, not from the connection's accept
 * @param trustedProxies peers (addresses or CIDR blocks such as {@code 10.0.0.0/8}) whose
 *     {@code X-Forwarded-For} and {@code X-Forwarded-Proto} are believed: another load balancer
 *     in front of the router. From any other peer those headers are replaced, since a client
 *     could forge them. Default none
 * @param transport the network transport of the router's event loops (the public listener, the
 *     upstream connections, the admin listener and the health probes): {@code io_uring} (Linux
 *     5.9 and later, where seccomp allows it), {@code epoll} (Linux), {@code nio} (anywhere), or
 *     {@code auto} (the default): io_uring where the kernel offers it, else epoll, else NIO. A
 *     transport named explicitly that cannot load stops the router at start
 */
public record ListenConfig(String host, Integer port, Integer eventLoops, Boolean h2c,
    List<String> trustedProxies, String transport) implements Validated {
  /** The defaults. */
  public static final ListenConfig DEFAULT = new ListenConfig(null, null, null, null, null, null);

  /** The values {@code transport} takes. */
  public static final List<String> TRANSPORTS = List.of("auto", "io_uring", "epoll", "nio");

  /** Fills in defaults for absent values. */
  public ListenConfig {
    host = host == null ? "0.0.0.0" : host;
    port = port == null ? 8080 : port;
    eventLoops = eventLoops == null ? 0 : eventLoops;
    h2c = h2c == null ? Boolean.FALSE : h2c;
    trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
    transport = transport == null ? "auto" : transport;
  }

  /** This listener on another host, port or number of event loops (command-line overrides). */
  public ListenConfig with(String host, Integer port, Integer eventLoops) {
    return new ListenConfig(host, port, eventLoops, h2c, trustedProxies, transport);
  }

  /** The number of event loops to run, resolving 0 to the number of CPU cores. */
  public int resolvedEventLoops() {
    return eventLoops > 0 ? eventLoops : Runtime.getRuntime().availableProcessors();
  }

  @Override
  public void validate(Validation at) {
    at.check(!host.isBlank(), "host", host, "must not be empty");
    at.range(port, 0, 65535, "port");
    at.range(eventLoops, 0, 1024, "event_loops");
    at.check(TRANSPORTS.contains(transport), "transport", transport,
        "must be one of " + String.join(", ", TRANSPORTS));
    for (int i = 0; i < trustedProxies.size(); i++) {
      String cidr = trustedProxies.get(i);
      at.check(cidr != null && Cidr.isValid(cidr), "trusted_proxies[" + i + "]", cidr,
          "must be an IP address or a CIDR block such as 10.0.0.0/8 or fd00::/8");
    }
  }
}
