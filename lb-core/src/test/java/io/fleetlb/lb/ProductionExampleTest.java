package io.fleetlb.lb;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetlb.lb.config.ConfigLoader;
import io.fleetlb.lb.config.RouterConfig;
import io.fleetlb.lb.testing.CapturingAccessLog;
import io.fleetlb.lb.testing.Keys;
import io.fleetlb.lb.testing.ScriptedUpstream;
import io.fleetlb.lb.testing.TestCerts;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production example the README shows (docs/examples/router-production.yaml and keys.yaml)
 * loads and runs as documented: TLS, client keys with their limits and models, admission.
 */
class ProductionExampleTest {
  private static final Path EXAMPLES = Path.of("../docs/examples");

  @Test
  void theDocumentedProductionConfigurationRuns(@TempDir Path dir) throws Exception {
    Files.copy(EXAMPLES.resolve("router-production.yaml"), dir.resolve("router.yaml"));
    // The example's keys, with the hashes of keys this test knows.
    String keys = Files.readString(EXAMPLES.resolve("keys.yaml"))
        .replace("4d3aa6d5f2e37a6ab2bfbba4ff1c0f9b3f70f3f73a0e5e64b4b0a7d4c6bd0ce1",
            Keys.sha256("sk-chat"))
        .replace("0b9d6c0ce5c1c86e2a6f1b4de8a9f7c34a6f2b1e9d7c5a3f1e0d9c8b7a6f5e4d",
            Keys.sha256("sk-batch"));
    Files.writeString(dir.resolve("keys.yaml"), keys);
    Files.createDirectories(dir.resolve("tls"));
    TestCerts.Server cert = TestCerts.server(dir, "router", TestCerts.authority(dir, "ca"));
    Files.copy(cert.cert(), dir.resolve("tls/fullchain.pem"));
    Files.copy(cert.key(), dir.resolve("tls/privkey.pem"));

    RouterConfig config = ConfigLoader.create().load(dir.resolve("router.yaml"));
    assertThat(config.auth().enabled()).isTrue();
    assertThat(config.maxInFlight(config.replicas().get(4))).isEqualTo(64);
    config = config.withListen(config.listen().with("127.0.0.1", 0, 1))
        .withAdmin(new io.fleetlb.lb.config.AdminConfig("127.0.0.1", 0));
    RunningRouter router = ScriptedUpstream.join(Router.builder(config)
        .policy((c, l) -> c.get(0)).accessLog(new CapturingAccessLog()).start());
    try {
      assertThat(router.baseUri().getScheme()).isEqualTo("https");
      HttpClient client = HttpClient.newBuilder().sslContext(TestCerts.trusting(cert.ca()))
          .build();
      URI chat = URI.create("https://localhost:" + router.port() + "/v1/chat/completions");
      String body = "{\"model\":\"meta-llama/Llama-3.3-70B-Instruct\",\"max_tokens\":10,"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

      HttpResponse<String> noKey = client.send(HttpRequest.newBuilder(chat)
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(noKey.statusCode()).isEqualTo(401);

      HttpResponse<String> batch = client.send(HttpRequest.newBuilder(chat)
          .header("authorization", "Bearer sk-batch")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(batch.statusCode()).as("batch-jobs may use the 8B model only").isEqualTo(403);

      // No replica of the example's addresses answers here: the key is right, nothing can serve.
      HttpResponse<String> chatKey = client.send(HttpRequest.newBuilder(chat)
          .header("authorization", "Bearer sk-chat")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(chatKey.statusCode()).isEqualTo(503);
      assertThat(new JsonObject(chatKey.body()).getJsonObject("error").getString("message"))
          .contains("can serve right now");
      assertThat(chatKey.headers().firstValue("x-ratelimit-limit-requests")).hasValue("600");
      assertThat(chatKey.headers().firstValue("x-ratelimit-remaining-requests"))
          .as("a request never sent is not charged").hasValue("600");
    } finally {
      ScriptedUpstream.join(router.close());
    }
  }

}
