package io.fleetlb.lb.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fleetlb.lb.Router;
import io.fleetlb.lb.RunningRouter;
import io.fleetlb.lb.config.ConfigLoader;
import io.fleetlb.lb.config.RouterConfig;
import io.fleetlb.lb.pool.Replica;
import io.fleetlb.lb.testing.CapturingAccessLog;
import io.fleetlb.lb.testing.ScriptedUpstream;
import io.fleetlb.lb.testing.Scripts;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Kubernetes discovery against fabric8's mock API server (CRUD mode, watches included): replica
 * pods found through the EndpointSlices of labelled Services join a running router once probed,
 * leave when not ready or deleted, and finish what they have in flight.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesDiscoveryTest {
  private static final String NS = "inference";
  private static final String MODEL = "meta-llama/Llama-3.1-8B-Instruct";
  KubernetesClient client;
  private Vertx vertx;
  private RunningRouter router;
  private final List<ScriptedUpstream> upstreams = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() {
    if (router != null) {
      ScriptedUpstream.join(router.close());
    }
    upstreams.forEach(ScriptedUpstream::close);
    ScriptedUpstream.join(vertx.close());
  }

  private ScriptedUpstream upstream(ScriptedUpstream.Script script) {
    ScriptedUpstream u = ScriptedUpstream.start(vertx, MODEL, script);
    upstreams.add(u);
    return u;
  }

  /** A Service for one model group, labelled as the Helm chart labels replica Services. */
  private void service(String name, String model) {
    client.services().inNamespace(NS).resource(new ServiceBuilder().withNewMetadata()
        .withName(name).withLabels(Map.of("app.kubernetes.io/part-of", "fleetlb",
            "fleetlb/role", "replica"))
        .withAnnotations(Map.of("fleetlb/model", model, "fleetlb/max-in-flight", "7"))
        .endMetadata().withNewSpec().addNewPort().withName("http").withPort(8000).endPort()
        .endSpec().build()).create();
  }

  /** The Service's EndpointSlice: one endpoint per pod, all at 127.0.0.1 on {@code port}. */
  private EndpointSlice slice(String service, int port, String pod, boolean ready) {
    return new EndpointSliceBuilder().withNewMetadata().withName(service + "-abcde")
        .withLabels(Map.of("kubernetes.io/service-name", service)).endMetadata()
        .withAddressType("IPv4")
        .addNewPort().withName("http").withPort(port).withProtocol("TCP").endPort()
        .addNewEndpoint().withAddresses("127.0.0.1").withNewConditions().withReady(ready)
        .endConditions().withNewTargetRef().withKind("Pod").withName(pod).withNamespace(NS)
        .endTargetRef().endEndpoint().build();
  }

  private RunningRouter start() {
    String yaml = "listen: { host: 127.0.0.1, port: 0, event_loops: 1 }\n"
        + "admin: { host: 127.0.0.1, port: 0 }\n"
        + "health_check: { interval: 200ms, timeout: 1s, healthy_threshold: 1 }\n"
        + "ejection: { slow_start: 0s }\n"
        + "discovery: { kubernetes: { namespace: " + NS + " } }\n";
    RouterConfig config = ConfigLoader.create().parse(yaml, "k8s.yaml");
    router = ScriptedUpstream.join(Router.builder(config).policy((c, l) -> c.get(0))
        .accessLog(new CapturingAccessLog()).kubernetesClient(client).start());
    return router;
  }

  private HttpResponse<String> chat() {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(router.baseUri()
          + "/v1/chat/completions")).POST(HttpRequest.BodyPublishers.ofString(
              "{\"model\":\"" + MODEL + "\",\"messages\":[]}")).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private Replica replica(String id) {
    return router.pool().byId(id);
  }

  @Test
  void podsAddedAfterTheStartServeAndRemovedOnesStopServing() {
    service("llama8b-a", MODEL);
    ScriptedUpstream a = upstream(Scripts.ok());
    client.resource(slice("llama8b-a", a.port(), "llama8b-a-0", true)).inNamespace(NS).create();
    start();
    await().atMost(10, TimeUnit.SECONDS).until(() -> replica("llama8b-a-0") != null
        && router.pool().available(MODEL).size() == 1);
    HttpResponse<String> r = chat();
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-lb-replica")).hasValue("llama8b-a-0");
    assertThat(replica("llama8b-a-0").config().maxInFlight())
        .as("the Service's fleetlb/max-in-flight annotation").isEqualTo(7);

    // A second group appears while the router runs.
    service("llama8b-b", MODEL);
    ScriptedUpstream b = upstream(Scripts.ok());
    client.resource(slice("llama8b-b", b.port(), "llama8b-b-0", true)).inNamespace(NS).create();
    await().atMost(10, TimeUnit.SECONDS).until(() -> router.pool().available(MODEL).size() == 2);

    // The first pod turns not ready: it leaves; requests go to the other one.
    client.resource(slice("llama8b-a", a.port(), "llama8b-a-0", false)).inNamespace(NS).update();
    await().atMost(10, TimeUnit.SECONDS).until(() -> replica("llama8b-a-0") == null);
    for (int i = 0; i < 3; i++) {
      assertThat(chat().headers().firstValue("x-lb-replica")).hasValue("llama8b-b-0");
    }
    // Its EndpointSlice is deleted: nothing left of it; the remaining one still serves.
    client.discovery().v1().endpointSlices().inNamespace(NS).withName("llama8b-a-abcde").delete();
    await().atMost(10, TimeUnit.SECONDS).until(() -> router.pool().leaving().isEmpty());
    assertThat(router.pool().replicas()).extracting(Replica::id).containsExactly("llama8b-b-0");
    assertThat(router.registry().scrape()).as("series of the departed pod are gone")
        .doesNotContain("replica=\"llama8b-a-0\"");
  }

  @Test
  void aLeavingPodFinishesWhatItHasInFlight() {
    service("llama8b-a", MODEL);
    ScriptedUpstream slow = upstream(Scripts.delayed(1500, "{\"done\":true}"));
    client.resource(slice("llama8b-a", slow.port(), "llama8b-a-0", true)).inNamespace(NS)
        .create();
    start();
    await().atMost(10, TimeUnit.SECONDS).until(() -> router.pool().available(MODEL).size() == 1);
    CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(this::chat);
    slow.awaitCall(0);
    client.discovery().v1().endpointSlices().inNamespace(NS).withName("llama8b-a-abcde").delete();
    await().atMost(10, TimeUnit.SECONDS).until(() -> router.pool().available(MODEL).isEmpty());
    assertThat(router.pool().leaving()).extracting(Replica::id).containsExactly("llama8b-a-0");
    HttpResponse<String> r = inFlight.join();
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"done\":true}");
    await().atMost(10, TimeUnit.SECONDS).until(() -> router.pool().leaving().isEmpty());
    assertThat(router.activeRequests()).isZero();
  }

  @Test
  void aServiceWithoutItsModelIsIgnoredAndAnotherNamespaceIsNotWatched() {
    client.services().inNamespace(NS).resource(new ServiceBuilder().withNewMetadata()
        .withName("nomodel").withLabels(Map.of("app.kubernetes.io/part-of", "fleetlb",
            "fleetlb/role", "replica")).endMetadata().build()).create();
    ScriptedUpstream a = upstream(Scripts.ok());
    client.resource(slice("nomodel", a.port(), "nomodel-0", true)).inNamespace(NS).create();
    service("llama8b-a", MODEL);
    client.resource(slice("llama8b-a", a.port(), "llama8b-a-0", true)).inNamespace("other")
        .create();
    start();
    ScriptedUpstream b = upstream(Scripts.ok());
    client.resource(slice("llama8b-a", b.port(), "llama8b-a-1", true)).inNamespace(NS).create();
    await().atMost(10, TimeUnit.SECONDS).until(() -> router.pool().available(MODEL).size() == 1);
    assertThat(router.pool().replicas()).extracting(Replica::id).containsExactly("llama8b-a-1");
  }
}
