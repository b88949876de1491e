package io.fleetlb.lb;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetlb.lb.config.RouterConfig;
import io.fleetlb.lb.log.AccessLog;
import io.fleetlb.lb.policy.RouterExtension;
import io.fleetlb.lb.policy.RoutingPolicy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Builds and starts a router: lb-core's engine with one {@link RoutingPolicy} and any number of
 * {@link RouterExtension}s. This is also the supported way to run a router inside a test:
 *
 * <pre>{@code
 * RouterConfig config = ConfigLoader.create().parse(yaml, "test.yaml"); // listen.port: 0
 * RunningRouter router = Router.builder(config)
 *     .policy(myPolicy)
 *     .accessLog(AccessLog.none())
 *     .start()
 *     .await();                       // or toCompletionStage() off the event loop
 * URI api = router.baseUri();         // http://127.0.0.1:<actual port>
 * ...
 * router.close().await();
 * }</pre>
 */
public final class Router {
  private Router() {}

  /** A builder for a router with this configuration. */
  public static Builder builder(RouterConfig config) {
    return new Builder(config);
  }

  /** Collects a router's parts; {@link #start} may be called once. */
  public static final class Builder {
    final RouterConfig config;
    RoutingPolicy policy;
    String policyName;
    final List<RouterExtension> extensions = new ArrayList<>();
    AccessLog accessLog;
    Vertx vertx;
    LongSupplier nanoClock = System::nanoTime;
    KubernetesClient kubernetesClient;

    private Builder(RouterConfig config) {
      this.config = Objects.requireNonNull(config, "config");
    }

    /** The routing policy (required). */
    public Builder policy(RoutingPolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** The policy's name for logs and the {@code lb_router_info} metric (default: class name). */
    public Builder policyName(String name) {
      this.policyName = Objects.requireNonNull(name, "name");
      return this;
    }

    /** Adds a component started with the router and stopped after it (in reverse order). */
    public Builder extension(RouterExtension extension) {
      extensions.add(Objects.requireNonNull(extension, "extension"));
      return this;
    }

    /** Replaces the access log the configuration asks for (tests capture entries this way). */
    public Builder accessLog(AccessLog accessLog) {
      this.accessLog = Objects.requireNonNull(accessLog, "accessLog");
      return this;
    }

    /**
     * Runs the router on an existing Vert.x instance, which the router then does not close. By
     * default the router creates its own with {@code listen.event_loops} event loops on the
     * transport of {@code listen.transport}; with this one, a {@code listen.transport} other than
     * {@code auto} must name the transport the instance runs on, or the start fails.
     */
    public Builder vertx(Vertx vertx) {
      this.vertx = Objects.requireNonNull(vertx, "vertx");
      return this;
    }

    /** The monotonic clock for timeouts and ejection times (default {@link System#nanoTime}). */
    public Builder nanoClock(LongSupplier nanoClock) {
      this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
      return this;
    }

    /**
     * The Kubernetes client for {@code discovery.kubernetes} (tests, embedding); by default the
     * router builds one from its environment (in-cluster service account or kubeconfig).
     */
    public Builder kubernetesClient(KubernetesClient client) {
      this.kubernetesClient = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * Starts the router: probes every replica once, starts the extensions, then opens the admin
     * and public listeners. The future fails with a one-line message if any step fails (nothing
     * is left running then).
     */
    public Future<RunningRouter> start() {
      if (policy == null) {
        throw new IllegalStateException("a routing policy is required");
      }
      return RouterStartup.start(this);
    }
  }
}
