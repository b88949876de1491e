package io.fleetlb.lb.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetlb.lb.log.AccessLogEntry;
import io.fleetlb.lb.log.Reason;
import io.fleetlb.lb.testing.Keys;
import io.fleetlb.lb.testing.ProxyTestBase;
import io.fleetlb.lb.testing.RawClient;
import io.fleetlb.lb.testing.RouterHarness;
import io.fleetlb.lb.testing.ScriptedUpstream;
import io.fleetlb.lb.testing.Scripts;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client keys: 401 without a valid one, 403 for a model the key may not use, per-key request and
 * token limits with OpenAI's headers, keys re-read from a file, and what replicas receive.
 */
class AuthTest extends ProxyTestBase {
  private static final String CHAT = RouterHarness.chat("m/A", false);
  private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
  private ScriptedUpstream a;
  private ScriptedUpstream b;

  private RouterHarness router(String auth) {
    a = upstream("m/A", Scripts.ok());
    b = upstream("m/B", Scripts.ok());
    // The injected clock drives every deadline: header_read is long enough that advancing it
    // for the rate limits never closes the client's idle keep-alive connection under its next
    // request.
    return start(RouterHarness.builder().replica("a", a).replica("b", b).section("auth", auth)
        .section("timeouts", "{ connect: 1s, first_byte: 5s, stream_idle: 5s, header_read: 1h }")
        .nanoClock(now::get));
  }

  private static String key(String id, String token, String extra) {
    return Keys.entry(id, token, extra);
  }

  private HttpResponse<String> post(String body, String token) {
    HttpRequest.Builder r = HttpRequest.newBuilder(h.uri("/v1/chat/completions"))
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      r.header("authorization", "Bearer " + token);
    }
    return h.send(r.build());
  }

  private HttpResponse<String> get(String path, String token) {
    HttpRequest.Builder r = HttpRequest.newBuilder(h.uri(path)).GET();
    if (token != null) {
      r.header("authorization", "Bearer " + token);
    }
    return h.send(r.build());
  }

  private static JsonObject error(HttpResponse<String> r) {
    return new JsonObject(r.body()).getJsonObject("error");
  }

  @Test
  void requestsWithoutAValidKeyGet401AndNeverReachAReplica() throws Exception {
    router("{ keys: [" + key("team-a", "sk-a", "") + "] }");
    HttpResponse<String> missing = post(CHAT, null);
    assertThat(missing.statusCode()).isEqualTo(401);
    assertThat(missing.headers().firstValue("www-authenticate")).hasValue("Bearer");
    assertThat(error(missing).getString("type")).isEqualTo("invalid_request_error");
    assertThat(error(missing).getString("code")).isEqualTo("invalid_api_key");
    assertThat(error(missing).getString("message")).startsWith("You didn't provide an API key.");
    HttpResponse<String> wrong = post(CHAT, "sk-nope");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(error(wrong).getString("message")).isEqualTo("Incorrect API key provided.");
    assertThat(wrong.body()).doesNotContain("sk-nope");
    assertThat(get("/v1/models", null).statusCode()).isEqualTo(401);
    assertThat(get("/health", null).statusCode()).as("health stays open").isEqualTo(200);
    assertThat(a.calls()).isEmpty();
    assertThat(h.metric("lb_auth_rejected_total", "reason=\"missing\"")).isEqualTo(2);
    assertThat(h.metric("lb_auth_rejected_total", "reason=\"invalid\"")).isEqualTo(1);
    assertThat(h.log().entries()).extracting(AccessLogEntry::reason).contains(Reason.UNAUTHORIZED);

    HttpResponse<String> ok = post(CHAT, "sk-a");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.headers().map().keySet()).noneMatch(n -> n.startsWith("x-ratelimit"));
    assertThat(a.awaitCall(0).headers.get("authorization"))
        .as("the client's key never reaches a replica").isNull();
    assertThat(h.log().awaitNth(4).key()).isEqualTo("team-a");
    assertThat(h.metric("lb_key_requests_total", "key=\"team-a\"")).isEqualTo(1);
  }

  @Test
  void aRefusedRequestsBodyIsReadSoTheConnectionServesTheNextOne() throws Exception {
    router("{ keys: [" + key("team-a", "sk-a", "") + "] }");
    try (RawClient c = RawClient.connect(h.router().port())) {
      c.post("/v1/chat/completions", CHAT);
      c.readUntil("invalid_api_key", java.time.Duration.ofSeconds(10));
      c.post("/v1/chat/completions", CHAT, "Authorization: Bearer sk-a");
      String text = c.readUntil("received", java.time.Duration.ofSeconds(10));
      assertThat(text).contains("HTTP/1.1 401").contains("HTTP/1.1 200");
    }
  }

  @Test
  void aKeyLimitedToSomeModelsGets403ForOthersAndSeesOnlyItsModels() throws Exception {
    router("{ keys: [" + key("team-b", "sk-b", ", models: [m/A]") + "] }");
    HttpResponse<String> other = post(RouterHarness.chat("m/B", false), "sk-b");
    assertThat(other.statusCode()).isEqualTo(403);
    assertThat(error(other).getString("code")).isEqualTo("model_not_found");
    assertThat(error(other).getString("message")).contains("m/B");
    assertThat(b.calls()).isEmpty();
    assertThat(post(CHAT, "sk-b").statusCode()).isEqualTo(200);
    JsonObject models = new JsonObject(get("/v1/models", "sk-b").body());
    assertThat(models.getJsonArray("data")).hasSize(1);
    assertThat(models.getJsonArray("data").getJsonObject(0).getString("id")).isEqualTo("m/A");
  }

  @Test
  void requestsPerMinuteAreLimitedWithOpenAisHeadersOnEveryAnswer() throws Exception {
    router("{ keys: [" + key("team-a", "sk-a", ", requests_per_minute: 3") + "] }");
    for (int i = 2; i >= 0; i--) {
      HttpResponse<String> r = post(CHAT, "sk-a");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("x-ratelimit-limit-requests")).hasValue("3");
      assertThat(r.headers().firstValue("x-ratelimit-remaining-requests"))
          .hasValue(Integer.toString(i));
    }
    HttpResponse<String> limited = post(CHAT, "sk-a");
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(error(limited).getString("code")).isEqualTo("rate_limit_exceeded");
    assertThat(error(limited).getString("type")).isEqualTo("requests");
    assertThat(error(limited).getString("message")).contains("try again in 20s");
    assertThat(limited.headers().firstValue("retry-after")).hasValue("20");
    assertThat(limited.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
    assertThat(limited.headers().firstValue("x-ratelimit-reset-requests")).hasValue("1m0s");
    assertThat(a.calls()).hasSize(3);
    assertThat(h.metric("lb_rate_limited_total", "key=\"team-a\"", "limit=\"requests\""))
        .isEqualTo(1);

    now.addAndGet(20_000_000_000L);
    assertThat(post(CHAT, "sk-a").statusCode()).as("one request back after 20 s").isEqualTo(200);
    assertThat(post(CHAT, "sk-a").statusCode()).isEqualTo(429);
  }

  @Test
  void tokensPerMinuteChargePromptAndMaxTokens() throws Exception {
    router("{ keys: [" + key("team-a", "sk-a", ", tokens_per_minute: 1000") + "] }");
    // 20 characters of prompt = 5 tokens + 4 for the message + 600 requested = 609.
    String body = "{\"model\":\"m/A\",\"max_tokens\":600,\"messages\":[{\"role\":\"user\","
        + "\"content\":\"" + "x".repeat(20) + "\"}]}";
    HttpResponse<String> first = post(body, "sk-a");
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("x-ratelimit-limit-tokens")).hasValue("1000");
    assertThat(first.headers().firstValue("x-ratelimit-remaining-tokens")).hasValue("391");
    HttpResponse<String> second = post(body, "sk-a");
    assertThat(second.statusCode()).isEqualTo(429);
    assertThat(error(second).getString("type")).isEqualTo("tokens");
    assertThat(second.headers().firstValue("retry-after")).isPresent();
    HttpResponse<String> huge = post(body.replace("600", "5000"), "sk-a");
    assertThat(huge.statusCode()).isEqualTo(429);
    assertThat(error(huge).getString("message")).startsWith("Request too large");
    assertThat(huge.headers().firstValue("retry-after")).as("waiting cannot help").isEmpty();
    assertThat(a.calls()).hasSize(1);
  }

  @Test
  void aRequestTheRouterNeverSentIsNotCharged() throws Exception {
    router("{ keys: [" + key("team-a", "sk-a", ", requests_per_minute: 5") + "] }");
    b.health(503);
    await().atMost(10, TimeUnit.SECONDS).until(() -> !h.router().pool().healthy(
        h.router().pool().replicas(("m/B")).get(0)));
    HttpResponse<String> r = post(RouterHarness.chat("m/B", false), "sk-a");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("5");
  }

  @Test
  void replicasGetAConfiguredKeyInsteadOfTheClients() throws Exception {
    a = upstream("m/A", Scripts.ok());
    start(RouterHarness.builder().replica("a", a)
        .section("auth", "{ keys: [" + key("team-a", "sk-a", "")
            + "], upstream_authorization: \"Bearer ${VLLM_KEY}\" }")
        .environment(Map.of("VLLM_KEY", "vllm-secret")));
    HttpRequest r = HttpRequest.newBuilder(h.uri("/v1/chat/completions"))
        .header("api-key", "sk-a").POST(HttpRequest.BodyPublishers.ofString(CHAT)).build();
    assertThat(h.send(r).statusCode()).isEqualTo(200);
    ScriptedUpstream.Call call = a.awaitCall(0);
    assertThat(call.headers.get("authorization")).isEqualTo("Bearer vllm-secret");
    assertThat(call.headers.get("api-key")).isNull();
  }

  @Test
  void keepPassesTheClientsHeaderThrough() throws Exception {
    a = upstream("m/A", Scripts.ok());
    start(RouterHarness.builder().replica("a", a)
        .section("auth", "{ keys: [" + key("team-a", "sk-a", "")
            + "], upstream_authorization: keep }"));
    assertThat(h.post("/v1/chat/completions", CHAT).statusCode()).isEqualTo(401);
    HttpRequest r = HttpRequest.newBuilder(h.uri("/v1/chat/completions"))
        .header("authorization", "Bearer sk-a").POST(HttpRequest.BodyPublishers.ofString(CHAT))
        .build();
    assertThat(h.send(r).statusCode()).isEqualTo(200);
    assertThat(a.awaitCall(0).headers.get("authorization")).isEqualTo("Bearer sk-a");
  }

  @Test
  void withoutAnAuthSectionTheApiIsOpenAndHeadersPassAsBefore() {
    a = upstream("m/A", Scripts.ok());
    start(RouterHarness.builder().replica("a", a));
    HttpRequest r = HttpRequest.newBuilder(h.uri("/v1/chat/completions"))
        .header("authorization", "Bearer vllm-key").POST(HttpRequest.BodyPublishers
            .ofString(CHAT)).build();
    assertThat(h.send(r).statusCode()).isEqualTo(200);
    assertThat(a.awaitCall(0).headers.get("authorization")).isEqualTo("Bearer vllm-key");
  }

  @Test
  void theKeysFileIsReReadWhenItChangesAndABrokenOneIsNotApplied(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("keys.yaml");
    Files.writeString(file, "- " + key("c", "sk-c", "") + "\n");
    a = upstream("m/A", Scripts.ok());
    start(RouterHarness.builder().replica("a", a)
        .section("auth", "{ keys_file: \"" + file + "\" }"));
    assertThat(post(CHAT, "sk-c").statusCode()).isEqualTo(200);
    assertThat(h.metric("lb_auth_keys")).isEqualTo(1);

    Files.writeString(file, "keys:\n  - " + key("d", "sk-d", "") + "\n");
    await().atMost(15, TimeUnit.SECONDS).until(() -> post(CHAT, "sk-d").statusCode() == 200);
    assertThat(post(CHAT, "sk-c").statusCode()).isEqualTo(401);

    assertThat(h.metric("lb_auth_keys_file_reloads_total", "result=\"applied\"")).isEqualTo(1);
    Files.writeString(file, "keys:\n  - { id: e, key_sha256: \"not-a-hash\" }\n");
    await().atMost(15, TimeUnit.SECONDS).until(() ->
        h.metric("lb_auth_keys_file_reloads_total", "result=\"refused\"") == 1);
    assertThat(post(CHAT, "sk-d").statusCode()).as("the keys in force stay").isEqualTo(200);
  }
}
