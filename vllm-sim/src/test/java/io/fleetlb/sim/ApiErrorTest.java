package io.fleetlb.sim;

import static io.fleetlb.sim.SimHttp.chat;
import static io.fleetlb.sim.SimHttp.json;
import static io.fleetlb.sim.SimHttp.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetlb.sim.replica.ReplicaOptions;
import io.vertx.core.Vertx;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every error vLLM answers, with its status, type and message, and nothing reaching the engine. */
class ApiErrorTest {

  static final String MODEL = "Qwen/Qwen2.5-7B-Instruct";
  static Vertx vertx;
  static SimReplica sim;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    sim =
        SimReplica.start(vertx, ReplicaOptions.builder(MODEL).timeScale(50).build())
            .await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    sim.close().await(5, TimeUnit.SECONDS);
    vertx.close().await(5, TimeUnit.SECONDS);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          malformed JSON        | {"model":                                                    | 400 | Bad Request     | JSON decode error
          not an object         | [1,2]                                                        | 400 | Bad Request     | valid dictionary
          missing messages      | {"model":"Qwen/Qwen2.5-7B-Instruct"}                         | 400 | Bad Request     | 'messages'), 'msg': 'Field required'
          messages not a list   | {"messages":"hi"}                                            | 400 | Bad Request     | valid list
          message without role  | {"messages":[{"content":"hi"}]}                              | 400 | Bad Request     | 'role'
          unknown model         | {"model":"gpt-4","messages":[]}                              | 404 | NotFoundError   | The model `gpt-4` does not exist.
          n greater than one    | {"messages":[],"n":2}                                        | 400 | BadRequestError | n=2 is not supported
          max_tokens zero       | {"messages":[],"max_tokens":0}                               | 400 | BadRequestError | max_tokens must be at least 1, got 0.
          max_tokens not int    | {"messages":[],"max_tokens":"ten"}                           | 400 | Bad Request     | valid integer
          min over max          | {"messages":[],"max_tokens":5,"min_tokens":6}                | 400 | BadRequestError | min_tokens must be less than or equal to max_tokens=5, got 6.
          negative temperature  | {"messages":[],"temperature":-1}                             | 400 | BadRequestError | temperature must be non-negative
          options without stream| {"messages":[],"stream_options":{"include_usage":true}}      | 400 | Bad Request     | Stream options can only be defined when `stream=True`.
          too many tokens       | {"messages":[],"max_tokens":40000}                           | 400 | BadRequestError | 'max_tokens' or 'max_completion_tokens' is too large: 40000. This model's maximum context length is 32768 tokens and your request has 5 input tokens (40000 > 32768 - 5). None
          """)
  void chatErrors(String name, String body, int status, String type, String message) {
    long queriesBefore = sim.metrics().prefixQueries.get();
    HttpResponse<String> r = post(sim.port(), "/v1/chat/completions", body);
    assertThat(r.statusCode()).isEqualTo(status);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
    JsonNode e = json(r).get("error");
    assertThat(e.get("type").asText()).isEqualTo(type);
    assertThat(e.get("code").asInt()).isEqualTo(status);
    assertThat(e.get("param").isNull()).isTrue();
    assertThat(e.get("message").asText()).contains(message);
    assertThat(sim.metrics().prefixQueries.get())
        .isEqualTo(queriesBefore); // the engine never saw it
  }

  @Test
  void promptLongerThanTheContextWindow() {
    HttpResponse<String> r =
        post(sim.port(), "/v1/completions", "{\"prompt\":\"" + "x ".repeat(33_000) + "\"}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).at("/error/message").asText())
        .isEqualTo(
            "This model's maximum context length is 32768 tokens. However, your request has 33001"
                + " input tokens. Please reduce the length of the input messages.");
  }

  @Test
  void completionsRequiresAPromptAndAcceptsTokenIds() {
    assertThat(post(sim.port(), "/v1/completions", "{}").statusCode()).isEqualTo(400);
    assertThat(post(sim.port(), "/v1/completions", "{\"prompt\":[\"a\",\"b\"]}").statusCode())
        .isEqualTo(400);
    JsonNode ok =
        json(post(sim.port(), "/v1/completions", "{\"prompt\":[1,2,3,4,5],\"max_tokens\":1}"));
    assertThat(ok.at("/usage/prompt_tokens").asInt()).isEqualTo(5);
  }

  @Test
  void oversizedBodyIs413WithoutReadingIt() throws Exception {
    try (Socket s = new Socket("127.0.0.1", sim.port())) {
      OutputStream out = s.getOutputStream();
      out.write(
          ("POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                  + "content-length: 999999999\r\n\r\n{")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String head = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
      assertThat(head).isEqualTo("HTTP/1.1 413");
    }
  }

  @Test
  void unknownPathsAndMethodsUseFastApiDefaults() {
    HttpResponse<String> notFound = SimHttp.get(sim.port(), "/v1/embeddings");
    assertThat(notFound.statusCode()).isEqualTo(404);
    assertThat(notFound.body()).isEqualTo("{\"detail\":\"Not Found\"}");
    HttpResponse<String> wrongMethod = SimHttp.get(sim.port(), "/v1/chat/completions");
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(wrongMethod.body()).isEqualTo("{\"detail\":\"Method Not Allowed\"}");
  }

  @Test
  void validRequestStillWorksAfterErrorsOnTheSameServer() {
    HttpResponse<String> r =
        post(sim.port(), "/v1/chat/completions", chat(MODEL, 4, "\"max_tokens\":3"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).at("/usage/prompt_tokens").asInt()).isEqualTo(14);
  }
}
