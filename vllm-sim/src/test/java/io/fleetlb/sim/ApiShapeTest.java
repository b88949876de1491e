package io.fleetlb.sim;

import static io.fleetlb.sim.SimHttp.chat;
import static io.fleetlb.sim.SimHttp.events;
import static io.fleetlb.sim.SimHttp.json;
import static io.fleetlb.sim.SimHttp.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetlb.sim.engine.MetricsVersion;
import io.fleetlb.sim.replica.ReplicaOptions;
import io.fleetlb.sim.tokens.Tokenizer;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The simulator's API against vLLM's real shapes (research/vllm-sse-sample.txt and vllm-facts.md
 * 2).
 */
class ApiShapeTest {

  static final String MODEL = "meta-llama/Llama-3.1-8B-Instruct";
  static Vertx vertx;
  static SimReplica v1;
  static SimReplica v0;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    v1 =
        SimReplica.start(vertx, ReplicaOptions.builder(MODEL).timeScale(20).seed(1).build())
            .await(10, TimeUnit.SECONDS);
    v0 =
        SimReplica.start(
                vertx,
                ReplicaOptions.builder(MODEL)
                    .timeScale(20)
                    .metricsVersion(MetricsVersion.V0)
                    .build())
            .await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    v1.close().await(5, TimeUnit.SECONDS);
    v0.close().await(5, TimeUnit.SECONDS);
    vertx.close().await(5, TimeUnit.SECONDS);
  }

  private static List<JsonNode> sampleEvents() throws IOException {
    String body;
    try (var in = ApiShapeTest.class.getResourceAsStream("/captures/vllm-sse-sample.txt")) {
      body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<JsonNode> out = new ArrayList<>();
    for (String block : body.split("\n\n")) {
      if (block.startsWith("data: {")) {
        out.add(SimHttp.JSON.readTree(block.substring(6)));
      }
    }
    return out;
  }

  /** Every key path of a JSON tree, minus the sample gateway's reasoning-parser field. */
  private static Set<String> paths(JsonNode n) {
    Set<String> out = new TreeSet<>();
    collect(n, "", out);
    out.removeIf(p -> p.contains("reasoning_content"));
    return out;
  }

  private static void collect(JsonNode n, String prefix, Set<String> out) {
    if (n.isObject()) {
      for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        out.add(prefix + k);
        collect(n.get(k), prefix + k + ".", out);
      }
    } else if (n.isArray() && n.size() > 0) {
      collect(n.get(0), prefix + "[].", out);
    }
  }

  @Test
  void chatStreamHasTheSameChunkShapesAsRealVllm() throws IOException {
    List<JsonNode> real = sampleEvents(); // role, content, content, finish(stop), usage
    String body =
        chat(
            MODEL,
            10,
            "\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"max_tokens\":400,\"min_tokens\":2,\"seed\":3");
    List<String> ev = events(post(v1.port(), "/v1/chat/completions", body));

    assertThat(ev.get(ev.size() - 1)).isEqualTo("[DONE]");
    List<JsonNode> chunks = new ArrayList<>();
    for (String e : ev.subList(0, ev.size() - 1)) {
      chunks.add(SimHttp.JSON.readTree(e));
    }
    JsonNode usage = chunks.get(chunks.size() - 1);
    JsonNode finish = chunks.get(chunks.size() - 2);
    assertThat(paths(chunks.get(0))).isEqualTo(paths(real.get(0)));
    assertThat(paths(chunks.get(1))).isEqualTo(paths(real.get(1)));
    assertThat(paths(finish)).isEqualTo(paths(real.get(3)));
    assertThat(paths(usage)).isEqualTo(paths(real.get(4)));
    // A response that stops at EOS ends with an empty content chunk, as in the capture.
    assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    assertThat(finish.at("/choices/0/delta/content").asText()).isEmpty();
    assertThat(usage.at("/usage/prompt_tokens").asInt()).isEqualTo(10 + 10);
    // One chunk per generated token (the EOS included), plus the role chunk and the usage chunk.
    assertThat(usage.at("/usage/completion_tokens").asInt()).isEqualTo(chunks.size() - 2);
    assertThat(usage.at("/usage/total_tokens").asInt()).isEqualTo(20 + chunks.size() - 2);
    assertThat(chunks)
        .allSatisfy(
            c -> {
              assertThat(c.get("id").asText())
                  .isEqualTo(chunks.get(0).get("id").asText())
                  .startsWith("chatcmpl-");
              assertThat(c.get("created").asLong())
                  .isEqualTo(chunks.get(0).get("created").asLong());
            });
  }

  @Test
  void ignoreEosGeneratesExactlyMaxTokensAndTextCountsAsThoseTokens() throws IOException {
    HttpResponse<String> r =
        post(
            v1.port(),
            "/v1/chat/completions",
            chat(MODEL, 3, "\"max_tokens\":37,\"ignore_eos\":true"));
    JsonNode body = json(r);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("length");
    assertThat(body.at("/usage/completion_tokens").asInt()).isEqualTo(37);
    assertThat(Tokenizer.count(body.at("/choices/0/message/content").asText())).isEqualTo(37);
    assertThat(body.get("object").asText()).isEqualTo("chat.completion");
    assertThat(body.has("kv_transfer_params")).isTrue();
  }

  @Test
  void sameSeedSameTextDifferentSeedDifferentText() {
    String a =
        post(v1.port(), "/v1/chat/completions", chat(MODEL, 3, "\"max_tokens\":30,\"seed\":42"))
            .body();
    String b =
        post(v1.port(), "/v1/chat/completions", chat(MODEL, 3, "\"max_tokens\":30,\"seed\":42"))
            .body();
    String c =
        post(v1.port(), "/v1/chat/completions", chat(MODEL, 3, "\"max_tokens\":30,\"seed\":43"))
            .body();
    JsonNode ja = json((a)).at("/choices/0/message/content");
    assertThat(json((b)).at("/choices/0/message/content")).isEqualTo(ja);
    assertThat(json((c)).at("/choices/0/message/content")).isNotEqualTo(ja);
  }

  @Test
  void withoutIgnoreEosLengthsVaryAndRespectMinAndMaxTokens() {
    Set<Integer> lengths = new TreeSet<>();
    for (int seed = 0; seed < 12; seed++) {
      JsonNode b =
          json(
              post(
                  v1.port(),
                  "/v1/chat/completions",
                  chat(MODEL, 3, "\"max_tokens\":300,\"min_tokens\":20,\"seed\":" + seed)));
      int n = b.at("/usage/completion_tokens").asInt();
      assertThat(n).isBetween(21, 300);
      assertThat(b.at("/choices/0/finish_reason").asText()).isEqualTo(n == 300 ? "length" : "stop");
      lengths.add(n);
    }
    assertThat(lengths).hasSizeGreaterThan(5);
  }

  @Test
  void completionsStreamAndBodyHaveVllmShapes() {
    List<String> ev =
        events(
            post(
                v1.port(),
                "/v1/completions",
                "{\"model\":\""
                    + MODEL
                    + "\",\"prompt\":\"a b c\",\"max_tokens\":4,\"stream\":true,"
                    + "\"stream_options\":{\"include_usage\":true}}"));
    assertThat(ev).hasSize(4 + 1 + 1);
    JsonNode first = json((ev.get(0)));
    assertThat(first.get("object").asText()).isEqualTo("text_completion");
    assertThat(first.get("id").asText()).startsWith("cmpl-");
    assertThat(first.has("usage")).isTrue();
    assertThat(first.get("usage").isNull()).isTrue();
    assertThat(first.at("/choices/0").has("text")).isTrue();
    assertThat(json((ev.get(3))).at("/choices/0/finish_reason").asText()).isEqualTo("length");
    assertThat(json((ev.get(4))).at("/usage/prompt_tokens").asInt()).isEqualTo(3 + 1);
    JsonNode whole =
        json(
            post(
                v1.port(),
                "/v1/completions",
                "{\"model\":\"" + MODEL + "\",\"prompt\":\"a b c\"}"));
    assertThat(whole.at("/usage/completion_tokens").asInt())
        .isLessThanOrEqualTo(16); // vLLM's default
    assertThat(whole.at("/choices/0/text").isTextual()).isTrue();
  }

  @Test
  void v0ReplicaUsesTheOldChunkShapeAndFlatErrors() {
    List<String> ev =
        events(
            post(
                v0.port(),
                "/v1/chat/completions",
                chat(MODEL, 2, "\"stream\":true,\"max_tokens\":2")));
    assertThat(ev.get(0)).doesNotContain("prompt_token_ids");
    assertThat(ev.get(1)).doesNotContain("token_ids");
    HttpResponse<String> err = post(v0.port(), "/v1/chat/completions", chat("nope", 2, ""));
    assertThat(err.statusCode()).isEqualTo(404);
    assertThat(json(err).get("object").asText()).isEqualTo("error");
    assertThat(json(err).get("code").asInt()).isEqualTo(404);
    assertThat(SimHttp.get(v0.port(), "/version").body())
        .isEqualTo("{\"version\":\"0.6.4.post1\"}");
  }

  @Test
  void modelsHealthPingVersionAndLoad() {
    JsonNode models = json(SimHttp.get(v1.port(), "/v1/models"));
    assertThat(models.get("object").asText()).isEqualTo("list");
    assertThat(models.at("/data/0/id").asText()).isEqualTo(MODEL);
    assertThat(models.at("/data/0/owned_by").asText()).isEqualTo("vllm");
    assertThat(models.at("/data/0/max_model_len").asInt()).isEqualTo(131_072);
    assertThat(models.at("/data/0/permission/0/object").asText()).isEqualTo("model_permission");
    assertThat(SimHttp.get(v1.port(), "/health").statusCode()).isEqualTo(200);
    assertThat(SimHttp.get(v1.port(), "/health").body()).isEmpty();
    assertThat(SimHttp.get(v1.port(), "/ping").statusCode()).isEqualTo(200);
    assertThat(SimHttp.get(v1.port(), "/version").body()).isEqualTo("{\"version\":\"0.11.0\"}");
    assertThat(json(SimHttp.get(v1.port(), "/load")).get("server_load").asInt()).isZero();
  }
}
