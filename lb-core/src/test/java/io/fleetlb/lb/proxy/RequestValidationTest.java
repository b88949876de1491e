package io.fleetlb.lb.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetlb.lb.log.AccessLogEntry;
import io.fleetlb.lb.log.Reason;
import io.fleetlb.lb.testing.ProxyTestBase;
import io.fleetlb.lb.testing.RawClient;
import io.fleetlb.lb.testing.RouterHarness;
import io.fleetlb.lb.testing.ScriptedUpstream;
import io.fleetlb.lb.testing.Scripts;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad requests get the router's own OpenAI-format error, decided before any replica is
 * contacted, and never count against a replica.
 */
class RequestValidationTest extends ProxyTestBase {
  private ScriptedUpstream up;

  @BeforeEach
  void router() {
    up = upstream("m/A", Scripts.ok());
    start(RouterHarness.builder().replica("a", up)
        .section("limits", "{ max_body_size: 64KiB, max_header_size: 4KiB, max_headers: 20,"
            + " max_initial_line: 1KiB }")
        .section("timeouts", "{ header_read: 700ms, body_read: 700ms }"));
  }

  private JsonObject error(HttpResponse<String> r) {
    assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(r.headers().firstValue("x-lb-replica")).as("router errors carry no replica").isEmpty();
    return new JsonObject(r.body()).getJsonObject("error");
  }

  private void assertNoReplicaContacted() {
    assertThat(up.calls()).isEmpty();
    assertThat(h.router().pool().dispatched(h.router().pool().replicas().get(0))).isZero();
  }

  @Test
  void malformedJsonIs400() {
    HttpResponse<String> r = h.post("/v1/chat/completions", "{\"model\": \"m/A\", oops");
    assertThat(r.statusCode()).isEqualTo(400);
    JsonObject e = error(r);
    assertThat(e.getString("type")).isEqualTo("BadRequestError");
    assertThat(e.getInteger("code")).isEqualTo(400);
    assertThat(e.getString("message")).startsWith("The request body is not valid JSON");
    assertThat(h.log().awaitNth(0).reason()).isEqualTo(Reason.BAD_JSON);
    assertThat(h.metric("lb_requests_total", "model=\"none\"", "code=\"400\"",
        "reason=\"bad_json\"")).isEqualTo(1);
    assertNoReplicaContacted();
  }

  @Test
  void missingModelIs400NamingTheParam() {
    HttpResponse<String> r = h.post("/v1/completions", "{\"prompt\":\"hi\"}");
    assertThat(r.statusCode()).isEqualTo(400);
    JsonObject e = error(r);
    assertThat(e.getString("param")).isEqualTo("model");
    assertThat(e.getString("message")).isEqualTo("you must provide a model parameter");
    assertThat(h.log().awaitNth(0).reason()).isEqualTo(Reason.MISSING_MODEL);
    assertNoReplicaContacted();
  }

  @Test
  void unknownModelIs404LikeVllm() {
    HttpResponse<String> r = h.post("/v1/completions", "{\"model\":\"gpt-9\"}");
    assertThat(r.statusCode()).isEqualTo(404);
    JsonObject e = error(r);
    assertThat(e.getString("message")).isEqualTo("The model `gpt-9` does not exist.");
    assertThat(e.getString("type")).isEqualTo("NotFoundError");
    AccessLogEntry log = h.log().awaitNth(0);
    assertThat(log.reason()).isEqualTo(Reason.UNKNOWN_MODEL);
    assertThat(log.model()).isEqualTo("gpt-9");
    assertThat(h.metric("lb_requests_total", "model=\"none\"", "reason=\"unknown_model\""))
        .as("unknown names never become label values").isEqualTo(1);
    assertNoReplicaContacted();
  }

  @Test
  void aDeclaredOversizedBodyIs413WithoutReadingIt() {
    try (RawClient c = RawClient.connect(h.router().port())) {
      c.send(RawClient.postHead("/v1/completions", 10 * 1024 * 1024));
      String text = c.readUntil("}}", Duration.ofSeconds(10));
      assertThat(text).startsWith("HTTP/1.1 413").contains("connection: close")
          .contains("\"type\":\"RequestEntityTooLargeError\"").contains("64KiB");
      assertThat(c.awaitClosed(Duration.ofSeconds(10))).isTrue();
    }
    assertThat(h.log().awaitNth(0).reason()).isEqualTo(Reason.BODY_TOO_LARGE);
    assertNoReplicaContacted();
  }

  @Test
  void aChunkedBodyIs413AsSoonAsItCrossesTheLimit() {
    try (RawClient c = RawClient.connect(h.router().port())) {
      c.send("POST /v1/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
      String chunk = "x".repeat(16 * 1024);
      for (int i = 0; i < 5; i++) {
        c.send(Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n");
      }
      assertThat(c.readUntil("}}", Duration.ofSeconds(10))).startsWith("HTTP/1.1 413");
      assertThat(c.awaitClosed(Duration.ofSeconds(10))).isTrue();
    }
    assertThat(h.log().awaitNth(0).reason()).isEqualTo(Reason.BODY_TOO_LARGE);
    assertNoReplicaContacted();
  }

  @Test
  void oversizedHeadersAre431AndLongRequestLinesAre414() {
    try (RawClient c = RawClient.connect(h.router().port())) {
      c.send("POST /v1/completions HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(8 * 1024)
          + "\r\nContent-Length: 2\r\n\r\n{}");
      assertThat(c.readUntil("}}", Duration.ofSeconds(10))).startsWith("HTTP/1.1 431")
          .contains("RequestHeaderFieldsTooLargeError");
    }
    assertThat(h.log().awaitNth(0).reason()).isEqualTo(Reason.HEADERS_TOO_LARGE);
    try (RawClient c = RawClient.connect(h.router().port())) {
      c.send("GET /v1/models?" + "q".repeat(2048) + " HTTP/1.1\r\nHost: x\r\n\r\n");
      // The request line was never parsed, so the answer falls back to HTTP/1.0.
      assertThat(c.readUntil("}}", Duration.ofSeconds(10))).startsWith("HTTP/1.0 414");
    }
    assertThat(h.log().awaitNth(1).reason()).isEqualTo(Reason.URI_TOO_LONG);
    assertNoReplicaContacted();
  }

  @Test
  void tooManyHeaderFieldsAre431() {
    StringBuilder head = new StringBuilder();
    for (int i = 0; i < 25; i++) {
      head.append("X-H").append(i).append(": v\r\n");
    }
    try (RawClient c = RawClient.connect(h.router().port())) {
      c.send("POST /v1/completions HTTP/1.1\r\nHost: x\r\n" + head
          + "Content-Length: 14\r\n\r\n{\"model\":\"m\"}");
      assertThat(c.readUntil("}}", Duration.ofSeconds(10))).startsWith("HTTP/1.1 431")
          .contains("more than 20 header fields");
    }
    assertThat(h.log().awaitNth(0).reason()).isEqualTo(Reason.TOO_MANY_HEADERS);
    assertNoReplicaContacted();
  }

  @Test
  void wrongPathsAndMethodsAreRefused() {
    HttpResponse<String> notFound = h.get("/v1/embeddings");
    assertThat(notFound.statusCode()).isEqualTo(404);
    assertThat(error(notFound).getString("type")).isEqualTo("NotFoundError");
    assertThat(h.get("/metrics").statusCode()).as("metrics are admin-only").isEqualTo(404);
    HttpResponse<String> get = h.get("/v1/chat/completions");
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("allow")).hasValue("POST");
    HttpResponse<String> post = h.send(HttpRequest.newBuilder(h.uri("/v1/models"))
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(h.log().awaitNth(2).reason()).isEqualTo(Reason.METHOD_NOT_ALLOWED);
    assertNoReplicaContacted();
  }

  @Test
  void aBodyThatNeverArrivesIs408() {
    try (RawClient c = RawClient.connect(h.router().port())) {
      c.send(RawClient.postHead("/v1/completions", 100)).send("{\"model\":");
      assertThat(c.readUntil("}}", Duration.ofSeconds(10))).startsWith("HTTP/1.1 408");
      assertThat(c.awaitClosed(Duration.ofSeconds(10))).isTrue();
    }
    assertThat(h.log().awaitNth(0).reason()).isEqualTo(Reason.BODY_TIMEOUT);
    assertNoReplicaContacted();
  }

  @Test
  void aHeadTrickledByteByByteIsCutAtTheHeaderDeadline() {
    try (RawClient c = RawClient.connect(h.router().port())) {
      long start = System.nanoTime();
      c.send("POST /v1/completions HTTP/1.1\r\nHost: x\r\n");
      boolean closed = false;
      // Keep trickling: a per-byte inactivity timeout would never fire.
      for (int i = 0; i < 100 && !closed; i++) {
        try {
          c.send("X-Slow-" + i + ": 1\r\n");
        } catch (IllegalStateException e) {
          closed = true;
        }
        closed = closed || c.awaitClosed(Duration.ofMillis(100));
      }
      assertThat(closed).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
    }
    assertThat(h.metric("lb_header_timeouts_total")).isEqualTo(1);
    assertThat(h.log().entries()).as("a connection cut mid-head is not a request").isEmpty();
    assertNoReplicaContacted();
  }

  @Test
  void expectContinueIsAnsweredAfterTheChecks() {
    try (RawClient c = RawClient.connect(h.router().port())) {
      String body = "{\"model\":\"m/A\"}";
      c.send(RawClient.postHead("/v1/completions", body.length(), "Expect: 100-continue"));
      assertThat(c.readUntil("100 Continue", Duration.ofSeconds(10)))
          .startsWith("HTTP/1.1 100 Continue");
      c.send(body);
      assertThat(c.readUntil("\"received\":15}", Duration.ofSeconds(10))).contains("200 OK");
    }
    assertThat(up.awaitCall(0).headers.get("expect")).isNull();
  }
}
