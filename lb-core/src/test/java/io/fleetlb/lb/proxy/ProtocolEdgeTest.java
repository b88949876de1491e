package io.fleetlb.lb.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetlb.lb.log.Reason;
import io.fleetlb.lb.testing.ProxyTestBase;
import io.fleetlb.lb.testing.RawClient;
import io.fleetlb.lb.testing.RouterHarness;
import io.fleetlb.lb.testing.ScriptedUpstream;
import io.fleetlb.lb.testing.Scripts;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** HTTP/1.1 edge cases: pipelined requests, unknown HTTP versions, a model of the wrong type. */
class ProtocolEdgeTest extends ProxyTestBase {
  private static final Pattern STATUS = Pattern.compile("HTTP/1\\.1 (\\d{3}) ");

  private static String post(String json) {
    return RawClient.postHead("/v1/chat/completions", json.getBytes().length) + json;
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() {
    ScriptedUpstream up = upstream("m/A", Scripts.sse(5, 30, 20));
    start(RouterHarness.builder().replica("a", up));
    try (RawClient c = RawClient.connect(h.router().port())) {
      // A stream, a router error, a plain request and a health check, all in one write.
      c.send(post(RouterHarness.chat("m/A", true)) + post("{\"model\":\"nope\"}")
          + post(RouterHarness.chat("m/A", false).replace("false", "true"))
          + "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
      String text = c.readUntil("{\"status\":\"ok\"}", Duration.ofSeconds(10));
      Matcher m = STATUS.matcher(text);
      StringBuilder statuses = new StringBuilder();
      while (m.find()) {
        statuses.append(m.group(1)).append(' ');
      }
      assertThat(statuses.toString().trim()).isEqualTo("200 404 200 200");
      assertThat(text.split("data: \\[DONE]", -1)).hasSize(3);
      assertThat(text.indexOf("does not exist")).isBetween(text.indexOf("[DONE]"),
          text.lastIndexOf("[DONE]"));
    }
    assertThat(up.calls()).hasSize(2);
  }

  @Test
  void anUnknownHttpVersionGets505InTheApiFormat() {
    start(RouterHarness.builder().replica("a", upstream("m/A", Scripts.ok())));
    try (RawClient c = RawClient.connect(h.router().port())) {
      c.send("POST /v1/chat/completions HTTP/2.0\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}");
      assertThat(c.awaitClosed(Duration.ofSeconds(5))).isTrue();
      String text = c.text();
      assertThat(text).contains(" 505 ").contains("application/json");
      JsonObject e = new JsonObject(text.substring(text.indexOf("\r\n\r\n") + 4))
          .getJsonObject("error");
      assertThat(e.getString("type")).isEqualTo("HTTPVersionNotSupportedError");
      assertThat(e.getString("message")).contains("HTTP/1.1");
    }
    assertThat(h.log().awaitNth(0).reason()).isEqualTo(Reason.UNSUPPORTED_VERSION);
  }

  @Test
  void aWebSocketUpgradeIsRefused() {
    start(RouterHarness.builder().replica("a", upstream("m/A", Scripts.ok())));
    try (RawClient c = RawClient.connect(h.router().port())) {
      c.send("GET /v1/chat/completions HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          + "Sec-WebSocket-Version: 13\r\n\r\n");
      assertThat(c.readUntil("\r\n", Duration.ofSeconds(5))).startsWith("HTTP/1.1 400");
    }
  }

  @Test
  void aModelOfTheWrongJsonTypeIs400NamingTheParam() {
    ScriptedUpstream up = upstream("m/A", Scripts.ok());
    start(RouterHarness.builder().replica("a", up));
    for (String[] c : new String[][] {{"[\"m/A\"]", "an array"}, {"{\"id\":\"m/A\"}", "an object"},
        {"7", "a number"}, {"true", "a boolean"}}) {
      HttpResponse<String> r = h.post("/v1/chat/completions", "{\"model\":" + c[0]
          + ",\"messages\":[]}");
      assertThat(r.statusCode()).isEqualTo(400);
      JsonObject e = new JsonObject(r.body()).getJsonObject("error");
      assertThat(e.getString("param")).isEqualTo("model");
      assertThat(e.getString("message")).isEqualTo(
          "The `model` parameter must be a string naming the model (got " + c[1] + ")");
    }
    assertThat(up.calls()).isEmpty();
  }
}
