package io.fleetlb.lb.discovery;

import io.fleetlb.lb.config.DnsDiscoveryConfig;
import io.fleetlb.lb.config.ReplicaConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.dns.DnsClient;
import io.vertx.core.dns.DnsClientOptions;
import io.vertx.core.dns.DnsException;
import io.vertx.core.dns.DnsResponseCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds replicas by resolving DNS names on a timer: every A and AAAA record of a name is a replica
 * of the name's model (a Kubernetes headless Service, a Consul or Route 53 name). Lookups ask the
 * DNS server directly (no JVM cache), so a change shows within one interval. A name that does not
 * exist (NXDOMAIN) has no replicas; any other failed lookup keeps the last answer, so a DNS hiccup
 * never empties the fleet.
 */
public final class DnsDiscovery {
  private static final Logger LOG = LoggerFactory.getLogger(DnsDiscovery.class);
  private static final Pattern SAFE_ID = Pattern.compile("[^A-Za-z0-9._-]");

  private final List<DnsDiscoveryConfig> names;
  private final ReplicaReconciler reconciler;
  private final Vertx vertx;
  private final DnsClient dns;
  /** The last good answer per name: addresses. Touched on the control context only. */
  private final Map<DnsDiscoveryConfig, List<String>> answers = new LinkedHashMap<>();
  private final Map<DnsDiscoveryConfig, Boolean> failing = new LinkedHashMap<>();
  private final List<Long> timers = new ArrayList<>();

  /**
   * Discovery of these names.
   *
   * @param server the DNS server ({@code host:port}), null for the system's
   */
  public DnsDiscovery(List<DnsDiscoveryConfig> names, String server, ReplicaReconciler reconciler,
      Vertx vertx) {
    this.names = List.copyOf(names);
    this.reconciler = reconciler;
    this.vertx = vertx;
    DnsClientOptions options = new DnsClientOptions().setQueryTimeout(2000)
        .setRecursionDesired(true);
    if (server != null) {
      int colon = server.lastIndexOf(':');
      options.setHost(server.substring(0, colon))
          .setPort(Integer.parseInt(server.substring(colon + 1)));
    }
    this.dns = server != null ? vertx.createDnsClient(options) : vertx.createDnsClient();
  }

  /** Resolves every name once (the first view), then keeps resolving each on its interval. */
  public Future<Void> start() {
    List<Future<Void>> first = new ArrayList<>();
    for (DnsDiscoveryConfig n : names) {
      first.add(resolve(n));
    }
    return Future.join(first).<Void>mapEmpty().onComplete(ar -> {
      for (DnsDiscoveryConfig n : names) {
        timers.add(vertx.setPeriodic(n.interval().toMillis(), id -> resolve(n)));
      }
      LOG.info("dns discovery: resolving {} every {}", names.stream()
          .map(DnsDiscoveryConfig::name).toList(), names.get(0).interval());
    }).recover(err -> Future.succeededFuture());
  }

  /** Stops the timers. */
  public void stop() {
    timers.forEach(vertx::cancelTimer);
    dns.close();
  }

  private Future<Void> resolve(DnsDiscoveryConfig n) {
    Future<List<String>> v4 = dns.resolveA(n.name()).recover(DnsDiscovery::answerOrNull);
    Future<List<String>> v6 = dns.resolveAAAA(n.name()).recover(DnsDiscovery::answerOrNull);
    return Future.all(v4, v6).map(all -> {
      if (v4.result() == null && v6.result() == null) {
        if (!Boolean.TRUE.equals(failing.put(n, true))) {
          LOG.warn("dns discovery: lookup of {} failed; keeping its last {} addresses", n.name(),
              answers.getOrDefault(n, List.of()).size());
        }
        return null;
      }
      TreeSet<String> addresses = new TreeSet<>();
      if (v4.result() != null) {
        addresses.addAll(v4.result());
      }
      if (v6.result() != null) {
        addresses.addAll(v6.result());
      }
      answers.put(n, List.copyOf(addresses));
      if (Boolean.TRUE.equals(failing.put(n, false))) {
        LOG.info("dns discovery: {} resolves again ({} addresses)", n.name(), addresses.size());
      }
      publish();
      return null;
    });
  }

  /**
   * NXDOMAIN is an empty answer (the name is gone: no replicas); any other failure is null
   * (unknown: the last answer stands).
   */
  private static Future<List<String>> answerOrNull(Throwable err) {
    if (err instanceof DnsException d && d.code() == DnsResponseCode.NXDOMAIN) {
      return Future.succeededFuture(List.of());
    }
    return Future.succeededFuture(null);
  }

  private void publish() {
    Map<String, ReplicaConfig> desired = new LinkedHashMap<>();
    for (DnsDiscoveryConfig n : names) {
      for (String address : answers.getOrDefault(n, List.of())) {
        String id = id(n.name(), address);
        String host = address.contains(":") ? "[" + address + "]" : address;
        desired.putIfAbsent(id, new ReplicaConfig(id, n.scheme() + "://" + host + ":" + n.port(),
            n.model(), n.maxInFlight()));
      }
    }
    reconciler.desire(desired);
  }

  /** {@code <first label of the name>-<address>} with dots and colons as dashes. */
  static String id(String name, String address) {
    String label = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
    String id = SAFE_ID.matcher(label + "-" + address.replace('.', '-').replace(':', '-'))
        .replaceAll("-");
    return id.length() <= 64 ? id : id.substring(id.length() - 64);
  }
}
