package io.fleetlb.lb.discovery;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.fleetlb.lb.config.DiscoveryConfig;
import io.fleetlb.lb.config.ReplicaConfig;
import io.fleetlb.lb.config.RouterConfig;
import io.fleetlb.lb.pool.ReplicaPool;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where the pool's members come from: the static {@code replicas:} list (replaced by a reload)
 * and the discovery sources a configuration asks for, started on one control-plane context, with
 * the periodic re-apply of their views.
 */
public final class Discoveries {
  private final List<ReplicaReconciler> reconcilers = new ArrayList<>();
  private final List<Runnable> stops = new ArrayList<>();
  private final ReplicaReconciler statics;

  private Discoveries(ReplicaReconciler statics) {
    this.statics = statics;
    reconcilers.add(statics);
  }

  /** Replaces the static replica list (a reloaded configuration). */
  public void setStatic(List<ReplicaConfig> replicas) {
    Map<String, ReplicaConfig> byId = new LinkedHashMap<>();
    replicas.forEach(r -> byId.put(r.id(), r));
    statics.desire(byId);
  }

  /**
   * Starts the configured sources; completes once each produced its first view (or failed to:
   * a Kubernetes API that cannot be read fails the start, a DNS name that does not resolve does
   * not).
   *
   * @param kubernetes the client to use, null to build one from the environment (in-cluster
   *     service account or kubeconfig) on the control plane's Vert.x
   */
  public static Future<Discoveries> start(RouterConfig routerConfig, ReplicaPool pool,
      Vertx control, KubernetesClient kubernetes) {
    DiscoveryConfig config = routerConfig.discovery();
    Set<String> staticIds = new HashSet<>();
    routerConfig.replicas().forEach(r -> staticIds.add(r.id()));
    Discoveries d = new Discoveries(new ReplicaReconciler(pool, "replicas", staticIds));
    d.setStatic(routerConfig.replicas());
    Context context = control.getOrCreateContext();
    Promise<Void> started = Promise.promise();
    context.runOnContext(v -> {
      List<Future<Void>> first = new ArrayList<>();
      if (config.kubernetes() != null) {
        KubernetesClient client = kubernetes != null ? kubernetes
            : new KubernetesClientBuilder()
                // In-cluster service account or kubeconfig, as kubectl finds them; a few
                // retries only, so an unreachable API fails the start in seconds.
                .withConfig(new ConfigBuilder(Config.autoConfigure(null))
                    .withRequestRetryBackoffLimit(2).withConnectionTimeout(5000).build())
                .withHttpClientFactory(new Vertx5HttpClientFactory(control)).build();
        if (kubernetes == null) {
          d.stops.add(client::close);
        }
        ReplicaReconciler r = new ReplicaReconciler(pool, "kubernetes", Set.of());
        KubernetesDiscovery k = new KubernetesDiscovery(config.kubernetes(), client, r, control);
        d.reconcilers.add(r);
        d.stops.add(0, k::stop);
        first.add(k.start());
      }
      if (!config.dns().isEmpty()) {
        ReplicaReconciler r = new ReplicaReconciler(pool, "dns", Set.of());
        DnsDiscovery dns = new DnsDiscovery(config.dns(), config.dnsServer(), r, control);
        d.reconcilers.add(r);
        d.stops.add(0, dns::stop);
        first.add(dns.start());
      }
      // A replica whose id had to wait for its predecessor to drain joins on a later pass.
      long timer = control.setPeriodic(1000, id -> d.reconcilers.forEach(
          ReplicaReconciler::apply));
      d.stops.add(0, () -> control.cancelTimer(timer));
      Future.all(first).<Void>mapEmpty().onComplete(started);
    });
    return started.future().map(d).recover(err -> {
      d.stop();
      return Future.failedFuture(err);
    });
  }

  /** Stops every source. */
  public void stop() {
    stops.forEach(Runnable::run);
    stops.clear();
  }
}
