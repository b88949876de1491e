package io.fleetlb.lb.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetlb.lb.Router;
import io.fleetlb.lb.RunningRouter;
import io.fleetlb.lb.config.ConfigLoader;
import io.fleetlb.lb.config.RouterConfig;
import io.fleetlb.lb.pool.Replica;
import io.fleetlb.lb.testing.CapturingAccessLog;
import io.fleetlb.lb.testing.FakeDns;
import io.fleetlb.lb.testing.ScriptedUpstream;
import io.fleetlb.lb.testing.Scripts;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * DNS discovery against a real DNS server on loopback: the addresses of a name are its model's
 * replicas, re-resolved on an interval; a name that disappears empties the group, a failing
 * server keeps the last answer.
 */
class DnsDiscoveryTest {
  private final Vertx vertx = Vertx.vertx();
  private final FakeDns dns = new FakeDns();
  private RunningRouter router;
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void tearDown() {
    if (router != null) {
      ScriptedUpstream.join(router.close());
    }
    dns.close();
    ScriptedUpstream.join(vertx.close());
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private Set<String> ids() {
    Set<String> out = new HashSet<>();
    router.pool().replicas().forEach(r -> out.add(r.id()));
    return out;
  }

  @Test
  void theAddressesOfANameAreItsReplicas() throws Exception {
    int port = freePort();
    ScriptedUpstream one = ScriptedUpstream.startOn(vertx, "m", Scripts.ok(), "127.0.0.1", port);
    ScriptedUpstream two = ScriptedUpstream.startOn(vertx, "m", Scripts.ok(), "127.0.0.2", port);
    dns.set("vllm-m.inference.svc", "127.0.0.1");
    String yaml = "listen: { host: 127.0.0.1, port: 0, event_loops: 1 }\n"
        + "admin: { host: 127.0.0.1, port: 0 }\n"
        + "health_check: { interval: 200ms, timeout: 1s, healthy_threshold: 1 }\n"
        + "ejection: { slow_start: 0s }\n"
        + "discovery: { dns_server: \"" + dns.address() + "\", dns: [{ name: vllm-m.inference.svc,"
        + " port: " + port + ", model: m, interval: 200ms, max_in_flight: 3 }] }\n";
    RouterConfig config = ConfigLoader.create().parse(yaml, "dns.yaml");
    router = ScriptedUpstream.join(Router.builder(config).policy((c, l) -> c.get(0))
        .accessLog(new CapturingAccessLog()).start());
    await().atMost(10, TimeUnit.SECONDS).until(() -> router.pool().available("m").size() == 1);
    assertThat(ids()).containsExactly("vllm-m-127-0-0-1");
    Replica first = router.pool().replicas().get(0);
    assertThat(first.config().url()).isEqualTo("http://127.0.0.1:" + port);
    assertThat(first.config().maxInFlight()).isEqualTo(3);
    assertThat(post().statusCode()).isEqualTo(200);

    dns.set("vllm-m.inference.svc", "127.0.0.1", "127.0.0.2");
    await().atMost(10, TimeUnit.SECONDS).until(() -> router.pool().available("m").size() == 2);

    // A failing DNS server changes nothing.
    dns.fail("vllm-m.inference.svc");
    int asked = dns.queries();
    await().atMost(10, TimeUnit.SECONDS).until(() -> dns.queries() > asked + 4);
    assertThat(router.pool().available("m")).hasSize(2);

    dns.set("vllm-m.inference.svc", "127.0.0.2");
    await().atMost(10, TimeUnit.SECONDS).until(() -> ids().equals(Set.of("vllm-m-127-0-0-2")));
    for (int i = 0; i < 3; i++) {
      assertThat(post().headers().firstValue("x-lb-replica")).hasValue("vllm-m-127-0-0-2");
    }
    assertThat(two.calls()).hasSize(3);
    assertThat(one.calls()).hasSize(1);

    dns.remove("vllm-m.inference.svc");
    await().atMost(10, TimeUnit.SECONDS).until(() -> router.pool().replicas().isEmpty());
    one.close();
    two.close();
  }

  private HttpResponse<String> post() throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(router.baseUri() + "/v1/completions"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
