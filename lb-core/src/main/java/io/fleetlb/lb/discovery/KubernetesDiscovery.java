package io.fleetlb.lb.discovery;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fleetlb.lb.config.KubernetesDiscoveryConfig;
import io.fleetlb.lb.config.ReplicaConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds replicas in Kubernetes with fabric8 informers: the Services matching the selector are the
 * model groups (the model is a label or annotation on the Service), the endpoints of their
 * EndpointSlices the replicas. An endpoint that is ready and not terminating is a replica (id: its
 * pod's name); one that turns not ready, starts terminating or disappears leaves (its requests in
 * flight finish). Informers receive changes as watch events; the view is recomputed on each and
 * handed to a {@link ReplicaReconciler}.
 */
public final class KubernetesDiscovery {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesDiscovery.class);
  private static final String SERVICE_NAME = "kubernetes.io/service-name";
  /** A Service annotation setting the in-flight limit of its replicas. */
  public static final String MAX_IN_FLIGHT = "fleetlb/max-in-flight";
  private static final Pattern SAFE_ID = Pattern.compile("[^A-Za-z0-9._-]");

  private final KubernetesDiscoveryConfig config;
  private final KubernetesClient client;
  private final ReplicaReconciler reconciler;
  private final Vertx vertx;
  private final String namespace;
  private final Set<String> warned = new HashSet<>();
  private SharedIndexInformer<Service> services;
  private SharedIndexInformer<EndpointSlice> slices;
  private volatile boolean recomputeScheduled;

  /**
   * Discovery in the configured namespace (or the router's own).
   *
   * @param vertx the control plane, where views are recomputed
   */
  public KubernetesDiscovery(KubernetesDiscoveryConfig config, KubernetesClient client,
      ReplicaReconciler reconciler, Vertx vertx) {
    this.config = config;
    this.client = client;
    this.reconciler = reconciler;
    this.vertx = vertx;
    this.namespace = config.namespace() != null ? config.namespace() : ownNamespace(client);
  }

  /** The namespace of the pod the router runs in, else the client's, else {@code default}. */
  static String ownNamespace(KubernetesClient client) {
    Path file = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");
    try {
      if (Files.isReadable(file)) {
        return Files.readString(file).trim();
      }
    } catch (java.io.IOException e) {
      // fall through
    }
    String ns = client.getNamespace();
    return ns != null ? ns : "default";
  }

  /** The namespace watched. */
  public String namespace() {
    return namespace;
  }

  /**
   * Starts both informers and completes once both listed what exists (the first view is then
   * applied); fails with a one-line reason when the API cannot be reached or read.
   */
  public Future<Void> start() {
    long resync = config.resync().toMillis();
    ResourceEventHandler<Object> onChange = new ResourceEventHandler<>() {
      @Override
      public void onAdd(Object obj) {
        schedule();
      }

      @Override
      public void onUpdate(Object oldObj, Object newObj) {
        schedule();
      }

      @Override
      public void onDelete(Object obj, boolean deletedFinalStateUnknown) {
        schedule();
      }
    };
    return vertx.executeBlocking(() -> {
      services = client.services().inNamespace(namespace).withLabelSelector(config.selector())
          .runnableInformer(resync);
      services.addEventHandler(cast(onChange));
      slices = client.discovery().v1().endpointSlices().inNamespace(namespace)
          .runnableInformer(resync);
      slices.addEventHandler(cast(onChange));
      services.start().toCompletableFuture().get();
      slices.start().toCompletableFuture().get();
      return null;
    }, false).recover(err -> Future.failedFuture(new IllegalStateException(
        "discovery.kubernetes: cannot watch Services and EndpointSlices in namespace "
            + namespace + ": " + rootMessage(err), err))).<Void>mapEmpty()
        .onSuccess(v -> {
          LOG.info("kubernetes discovery: watching Services ({}) and their EndpointSlices in"
              + " namespace {}", config.selector(), namespace);
          recompute();
        });
  }

  @SuppressWarnings("unchecked")
  private static <T> ResourceEventHandler<T> cast(ResourceEventHandler<Object> h) {
    return (ResourceEventHandler<T>) (ResourceEventHandler<?>) h;
  }

  /** Stops the informers. */
  public void stop() {
    if (services != null) {
      services.stop();
    }
    if (slices != null) {
      slices.stop();
    }
  }

  /** Coalesces a burst of events (a rollout changes many objects) into one recomputation. */
  private void schedule() {
    if (recomputeScheduled) {
      return;
    }
    recomputeScheduled = true;
    vertx.setTimer(50, id -> {
      recomputeScheduled = false;
      recompute();
    });
  }

  /** Rebuilds the view from the informers' caches and hands it to the reconciler. */
  void recompute() {
    if (services == null || slices == null) {
      return;
    }
    Map<String, Service> byName = new LinkedHashMap<>();
    for (Service s : services.getStore().list()) {
      byName.put(s.getMetadata().getName(), s);
    }
    Map<String, ReplicaConfig> desired = new LinkedHashMap<>();
    for (EndpointSlice slice : slices.getStore().list()) {
      Map<String, String> labels = slice.getMetadata().getLabels();
      Service svc = labels == null ? null : byName.get(labels.get(SERVICE_NAME));
      if (svc != null) {
        replicasOf(svc, slice, desired);
      }
    }
    reconciler.desire(desired);
  }

  private void replicasOf(Service svc, EndpointSlice slice, Map<String, ReplicaConfig> out) {
    String name = svc.getMetadata().getName();
    String model = valueOf(svc, config.modelLabel());
    if (model == null || model.isBlank()) {
      warnOnce("model:" + name, "kubernetes discovery: Service {} has no label or annotation {}"
          + " naming its model; its endpoints are not used", name, config.modelLabel());
      return;
    }
    Integer port = port(slice.getPorts());
    if (port == null) {
      warnOnce("port:" + slice.getMetadata().getName(), "kubernetes discovery: EndpointSlice {}"
          + " has no port {}; its endpoints are not used", slice.getMetadata().getName(),
          config.port());
      return;
    }
    Integer limit = limit(svc);
    for (Endpoint e : slice.getEndpoints() == null ? List.<Endpoint>of() : slice.getEndpoints()) {
      if (!serving(e) || e.getAddresses() == null || e.getAddresses().isEmpty()) {
        continue;
      }
      String address = e.getAddresses().get(0);
      String id = id(name, e.getTargetRef(), address);
      String host = address.contains(":") ? "[" + address + "]" : address;
      out.putIfAbsent(id, new ReplicaConfig(id, config.scheme() + "://" + host + ":" + port,
          model, limit));
    }
  }

  /** Ready and not terminating; a missing condition counts as true (the API's convention). */
  private static boolean serving(Endpoint e) {
    if (e.getConditions() == null) {
      return true;
    }
    return !Boolean.FALSE.equals(e.getConditions().getReady())
        && !Boolean.TRUE.equals(e.getConditions().getTerminating());
  }

  private Integer port(List<EndpointPort> ports) {
    if (ports == null) {
      return null;
    }
    for (EndpointPort p : ports) {
      if (config.port().equals(p.getName()) || config.port().equals(String.valueOf(p.getPort()))) {
        return p.getPort();
      }
    }
    return null;
  }

  private Integer limit(Service svc) {
    String v = valueOf(svc, MAX_IN_FLIGHT);
    if (v == null) {
      return null;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n >= 1 && n <= 1_000_000) {
        return n;
      }
    } catch (NumberFormatException e) {
      // below
    }
    warnOnce("limit:" + svc.getMetadata().getName(), "kubernetes discovery: Service {} has {}: {},"
        + " not a number from 1 to 1000000; the default limit applies",
        svc.getMetadata().getName(), MAX_IN_FLIGHT, v);
    return null;
  }

  /** The pod's name when the endpoint is a pod, else the Service's name and the address. */
  private static String id(String service, ObjectReference target, String address) {
    if (target != null && "Pod".equals(target.getKind()) && target.getName() != null) {
      return target.getName();
    }
    String id = SAFE_ID.matcher(service + "-" + address).replaceAll("-");
    return id.length() <= 64 ? id : id.substring(id.length() - 64);
  }

  private static String valueOf(Service svc, String key) {
    Map<String, String> labels = svc.getMetadata().getLabels();
    if (labels != null && labels.get(key) != null) {
      return labels.get(key);
    }
    Map<String, String> annotations = svc.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(key);
  }

  private void warnOnce(String key, String format, Object... args) {
    if (warned.add(key)) {
      LOG.warn(format, args);
    }
  }

  /** The first cause that says what went wrong (not a wrapper), with its own cause's words. */
  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && (c.getMessage() == null
        || c instanceof java.util.concurrent.CompletionException
        || c instanceof java.util.concurrent.ExecutionException
        || c instanceof io.fabric8.kubernetes.client.KubernetesClientException
            && c.getCause() != null)) {
      c = c.getCause();
    }
    String m = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage().trim();
    Throwable root = c;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root != c && root.getMessage() != null ? m + ": " + root.getMessage() : m;
  }
}
