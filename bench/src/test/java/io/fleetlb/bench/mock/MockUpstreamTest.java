package io.fleetlb.bench.mock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MockUpstreamTest {
  static Vertx vertx;
  static MockUpstream mock;
  static HttpClient client;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    mock =
        MockUpstream.start(
            vertx,
            new MockConfig("127.0.0.1", 0, 1_000_000L, 1_000_000L, 2, List.of("a"), "r9", 1));
    client = vertx.createHttpClient();
  }

  @AfterAll
  static void stop() {
    vertx.close();
  }

  /**
   * Issues the call from an event loop, as the bench does, so response handlers attach on the I/O
   * thread.
   */
  static String[] call(HttpMethod m, String path, String body) throws Exception {
    io.vertx.core.Promise<String[]> p = io.vertx.core.Promise.promise();
    vertx
        .getOrCreateContext()
        .runOnContext(
            v ->
                client
                    .request(m, mock.port(), "127.0.0.1", path)
                    .compose(r -> body == null ? r.send() : r.send(Buffer.buffer(body)))
                    .compose(
                        resp ->
                            resp.body()
                                .map(
                                    b ->
                                        new String[] {
                                          String.valueOf(resp.statusCode()),
                                          b.toString(),
                                          String.valueOf(resp.getHeader("x-lb-replica"))
                                        }))
                    .onComplete(p));
    return p.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void servesModelsStreamsAndErrorsInVllmShapes() throws Exception {
    JsonNode models = new ObjectMapper().readTree(call(HttpMethod.GET, "/v1/models", null)[1]);
    assertThat(models.path("data").get(0).path("id").asText()).isEqualTo("a");
    String[] stream =
        call(
            HttpMethod.POST,
            "/v1/completions",
            "{\"model\":\"a\",\"prompt\":\"x"
                + " y\",\"max_tokens\":3,\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
    assertThat(stream[0]).isEqualTo("200");
    assertThat(stream[2]).isEqualTo("r9");
    assertThat(stream[1].split("\"object\":\"text_completion\"", -1))
        .hasSize(5); // 3 tokens + usage
    assertThat(stream[1])
        .contains("\"usage\":{\"prompt_tokens\":3,\"total_tokens\":6,\"completion_tokens\":3}")
        .endsWith("data: [DONE]\n\n");
    String[] full =
        call(HttpMethod.POST, "/v1/chat/completions", "{\"model\":\"a\",\"messages\":[]}");
    JsonNode answer = new ObjectMapper().readTree(full[1]);
    assertThat(answer.path("usage").path("completion_tokens").asInt())
        .isEqualTo(2); // the default output length
    assertThat(answer.path("id").asText())
        .matches("chatcmpl-0{31}[1-9a-f]|chatcmpl-0{30}[0-9a-f]{2}");
    assertThat(stream[1]).containsPattern("\"id\":\"cmpl-0{30}[0-9a-f]{2}\"");
    String[] unknown = call(HttpMethod.POST, "/v1/chat/completions", "{\"model\":\"zz\"}");
    assertThat(unknown[0]).isEqualTo("404");
    assertThat(unknown[1]).contains("The model `zz` does not exist.");
    assertThat(call(HttpMethod.POST, "/v1/chat/completions", "{not json")[0]).isEqualTo("400");
  }
}
