package io.fleetlb.lb.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetlb.lb.Router;
import io.fleetlb.lb.RunningRouter;
import io.fleetlb.lb.config.ConfigLoader;
import io.fleetlb.lb.config.RouterConfig;
import io.fleetlb.lb.policy.RouterExtension;
import io.fleetlb.lb.policy.RoutingPolicy;
import io.fleetlb.lb.pool.Replica;
import io.fleetlb.lb.pool.ReplicaPool;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts a router in-process over loopback for a test: port 0 listeners, fast health checks,
 * replicas pointing at {@link ScriptedUpstream}s, a capturing access log, and a blocking JDK HTTP
 * client. {@link #assertBalanced()} checks the accounting invariant after a scenario.
 */
public final class RouterHarness implements AutoCloseable {
  private final RunningRouter router;
  private final CapturingAccessLog log;
  private final HttpClient http;

  private RouterHarness(RunningRouter router, CapturingAccessLog log) {
    this.router = router;
    this.log = log;
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** A builder with test defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Configures the router under test. */
  public static final class Builder {
    private final List<String> replicas = new ArrayList<>();
    private final Map<String, String> sections = new LinkedHashMap<>();
    private final List<RouterExtension> extensions = new ArrayList<>();
    private RoutingPolicy policy = RouterHarness::first;
    private Vertx vertx;
    private Map<String, String> environment;
    private java.util.function.LongSupplier nanoClock;

    Builder() {
      sections.put("listen", "{ host: 127.0.0.1, port: 0, event_loops: 2 }");
      sections.put("admin", "{ host: 127.0.0.1, port: 0 }");
      sections.put("health_check", "{ interval: 200ms, timeout: 1s, unhealthy_threshold: 2,"
          + " healthy_threshold: 1 }");
      sections.put("timeouts", "{ connect: 1s, first_byte: 5s, stream_idle: 5s }");
      sections.put("drain", "{ timeout: 5s }");
    }

    /** Adds a replica pointing at an upstream, with the upstream's model. */
    public Builder replica(String id, ScriptedUpstream upstream) {
      return replica(id, upstream.url(), upstream.model());
    }

    /** Adds a replica pointing at an upstream with its own in-flight limit. */
    public Builder replica(String id, ScriptedUpstream upstream, int maxInFlight) {
      replicas.add("  - { id: " + id + ", url: \"" + upstream.url() + "\", model: \""
          + upstream.model() + "\", max_in_flight: " + maxInFlight + " }");
      return this;
    }

    /** Adds a replica by URL. */
    public Builder replica(String id, String url, String model) {
      replicas.add("  - { id: " + id + ", url: \"" + url + "\", model: \"" + model + "\" }");
      return this;
    }

    /** Sets (replaces) a top-level section, written as YAML flow text. */
    public Builder section(String name, String yamlFlow) {
      sections.put(name, yamlFlow);
      return this;
    }

    /** The routing policy (default: always the first candidate, so tests are deterministic). */
    public Builder policy(RoutingPolicy policy) {
      this.policy = policy;
      return this;
    }

    /** Adds an extension. */
    public Builder extension(RouterExtension e) {
      extensions.add(e);
      return this;
    }

    /** Runs the router on this Vert.x instead of its own. */
    public Builder vertx(Vertx vertx) {
      this.vertx = vertx;
      return this;
    }

    /** Environment variables for {@code ${NAME}} in the configuration (instead of the process's). */
    public Builder environment(Map<String, String> env) {
      this.environment = env;
      return this;
    }

    /** The router's monotonic clock (timeouts, ejections, rate limits), for virtual-time tests. */
    public Builder nanoClock(java.util.function.LongSupplier clock) {
      this.nanoClock = clock;
      return this;
    }

    /** The YAML the router will be started with. */
    public String yaml() {
      StringBuilder b = new StringBuilder();
      sections.forEach((k, v) -> b.append(k).append(": ").append(v).append('\n'));
      b.append("replicas:\n");
      replicas.forEach(r -> b.append(r).append('\n'));
      return b.toString();
    }

    /** Starts the router. */
    public RouterHarness start() {
      ConfigLoader loader = environment == null ? ConfigLoader.create()
          : ConfigLoader.create().withEnvironment(environment);
      RouterConfig config = loader.parse(yaml(), "test.yaml");
      CapturingAccessLog log = new CapturingAccessLog();
      Router.Builder b = Router.builder(config).policy(policy).policyName("test").accessLog(log);
      extensions.forEach(b::extension);
      if (vertx != null) {
        b.vertx(vertx);
      }
      if (nanoClock != null) {
        b.nanoClock(nanoClock);
      }
      return new RouterHarness(ScriptedUpstream.join(b.start()), log);
    }
  }

  private static Replica first(List<Replica> candidates, io.fleetlb.lb.policy.LoadView load) {
    return candidates.get(0);
  }

  /** The running router. */
  public RunningRouter router() {
    return router;
  }

  /** The captured access log. */
  public CapturingAccessLog log() {
    return log;
  }

  /** The JDK client used by the helpers. */
  public HttpClient http() {
    return http;
  }

  /** A URI on the public listener. */
  public URI uri(String path) {
    return router.baseUri().resolve(path);
  }

  /** A URI on the admin listener. */
  public URI adminUri(String path) {
    return router.adminUri().resolve(path);
  }

  /** POSTs a JSON body and returns the whole response. */
  public HttpResponse<String> post(String path, String json) {
    return send(HttpRequest.newBuilder(uri(path)).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build());
  }

  /** GETs a path on the public listener. */
  public HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET().build());
  }

  /** Sends a request and returns the whole response as text. */
  public HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A chat request body for {@code model}. */
  public static String chat(String model, boolean stream) {
    return "{\"model\":\"" + model + "\",\"stream\":" + stream
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
  }

  /**
   * Waits until nothing is in flight and checks, per replica, that
   * {@code forwarded == completed + failed + cancelled} and that the first-byte and token sums
   * are back to 0.
   */
  public void assertBalanced() {
    ReplicaPool pool = router.pool();
    await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
      assertThat(router.activeRequests()).as("client requests in flight").isZero();
      assertThat(router.retriesInFlight()).as("retries in flight").isZero();
      for (Replica r : pool.replicas()) {
        assertThat(pool.inFlight(r)).as("in flight on %s", r).isZero();
        assertThat(pool.awaitingFirstByte(r)).as("awaiting first byte on %s", r).isZero();
        assertThat(pool.pendingPromptTokens(r)).as("pending prompt tokens on %s", r).isZero();
        assertThat(pool.inFlightTokens(r)).as("in-flight tokens on %s", r).isZero();
        assertThat(pool.dispatched(r)).as("forwarded = completed + failed + cancelled on %s", r)
            .isEqualTo(pool.completed(r) + pool.failed(r) + pool.cancelled(r));
      }
    });
  }

  /** The sum of the samples of {@code name} whose labels contain all {@code labels}. */
  public double metric(String name, String... labels) {
    String text = router.registry().scrape();
    double sum = 0;
    outer:
    for (String line : text.split("\n")) {
      if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
        continue;
      }
      for (String l : labels) {
        if (!line.contains(l)) {
          continue outer;
        }
      }
      sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }
    return sum;
  }

  @Override
  public void close() {
    ScriptedUpstream.join(router.close());
  }
}
