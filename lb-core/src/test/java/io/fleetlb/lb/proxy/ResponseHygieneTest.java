package io.fleetlb.lb.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetlb.lb.testing.ProxyTestBase;
import io.fleetlb.lb.testing.RawClient;
import io.fleetlb.lb.testing.RouterHarness;
import io.fleetlb.lb.testing.ScriptedUpstream;
import io.fleetlb.lb.testing.Scripts;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What a replica says about itself stays inside: only allow-listed response headers reach the
 * client, and forwarding headers are believed only from a trusted proxy.
 */
class ResponseHygieneTest extends ProxyTestBase {
  private static ScriptedUpstream.Script leaky() {
    return call -> call.request.response()
        .putHeader("content-type", "application/json")
        .putHeader("location", "http://127.0.0.1:8001/internal")
        .putHeader("set-cookie", "session=abc; Path=/")
        .putHeader("server", "uvicorn")
        .putHeader("x-internal-host", "gpu-node-7.internal:8001")
        .putHeader("x-ratelimit-remaining-requests", "3")
        .putHeader("cache-control", "no-cache")
        .putHeader("openai-processing-ms", "42")
        .putHeader("access-control-allow-origin", "*")
        .putHeader("x-extra", "wanted")
        .end("{\"ok\":true}");
  }

  @Test
  void onlyAllowListedResponseHeadersAreRelayed() {
    ScriptedUpstream up = upstream("m", leaky());
    start(RouterHarness.builder().replica("r", up));
    HttpResponse<String> r = h.post("/v1/completions", "{\"model\":\"m\"}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"ok\":true}");
    assertThat(r.headers().map().keySet()).containsExactlyInAnyOrder("content-type",
        "content-length", "cache-control", "openai-processing-ms",
        "access-control-allow-origin", "x-lb-replica", "x-request-id");
  }

  @Test
  void moreResponseHeadersCanBeAllowedByConfig() {
    ScriptedUpstream up = upstream("m", leaky());
    start(RouterHarness.builder().replica("r", up)
        .section("upstream", "{ response_headers: [X-Extra] }"));
    HttpResponse<String> r = h.post("/v1/completions", "{\"model\":\"m\"}");
    assertThat(r.headers().firstValue("x-extra")).hasValue("wanted");
    assertThat(r.headers().firstValue("location")).isEmpty();
    assertThat(r.headers().firstValue("x-internal-host")).isEmpty();
  }

  @Test
  void streamedResponsesAreFilteredToo() {
    ScriptedUpstream up = upstream("m", call -> {
      call.request.response().putHeader("set-cookie", "a=b").putHeader("x-internal-host", "h");
      Scripts.sse(2, 10, 10).run(call);
    });
    start(RouterHarness.builder().replica("r", up));
    HttpResponse<String> r = h.post("/v1/chat/completions", RouterHarness.chat("m", true));
    assertThat(r.body()).endsWith("data: [DONE]\n\n");
    assertThat(r.headers().firstValue("content-type")).hasValue("text/event-stream");
    assertThat(r.headers().firstValue("set-cookie")).isEmpty();
    assertThat(r.headers().firstValue("x-internal-host")).isEmpty();
  }

  @Test
  void forwardingHeadersFromAnUntrustedPeerAreReplaced() {
    ScriptedUpstream up = upstream("m", Scripts.ok());
    start(RouterHarness.builder().replica("r", up));
    try (RawClient c = RawClient.connect(h.router().port())) {
      c.post("/v1/completions", "{\"model\":\"m\"}", "X-Forwarded-For: 1.2.3.4",
          "X-Forwarded-Proto: https", "X-Real-IP: 1.2.3.4", "Forwarded: for=1.2.3.4",
          "X-Forwarded-Host: evil.example");
      c.readUntil("received", Duration.ofSeconds(10));
    }
    ScriptedUpstream.Call call = up.awaitCall(0);
    assertThat(call.headers.getAll("x-forwarded-for")).containsExactly("127.0.0.1");
    assertThat(call.headers.get("x-forwarded-proto")).isEqualTo("http");
    assertThat(call.headers.names()).map(String::toLowerCase)
        .doesNotContain("x-real-ip", "forwarded", "x-forwarded-host");
    assertThat(h.log().awaitNth(0).remote()).isEqualTo("127.0.0.1");
  }

  @Test
  void aTrustedProxysForwardingHeadersAreExtendedAndItsClientLogged() {
    ScriptedUpstream up = upstream("m", Scripts.ok());
    start(RouterHarness.builder().replica("r", up)
        .section("listen", "{ host: 127.0.0.1, port: 0, event_loops: 1,"
            + " trusted_proxies: [127.0.0.0/8, \"10.0.0.0/8\"] }"));
    try (RawClient c = RawClient.connect(h.router().port())) {
      c.post("/v1/completions", "{\"model\":\"m\"}", "X-Forwarded-For: 203.0.113.9, 10.2.3.4",
          "X-Forwarded-Proto: https", "X-Real-IP: 203.0.113.9");
      c.readUntil("received", Duration.ofSeconds(10));
    }
    ScriptedUpstream.Call call = up.awaitCall(0);
    assertThat(call.headers.get("x-forwarded-for")).isEqualTo("203.0.113.9, 10.2.3.4, 127.0.0.1");
    assertThat(call.headers.get("x-forwarded-proto")).isEqualTo("https");
    assertThat(call.headers.get("x-real-ip")).isEqualTo("203.0.113.9");
    assertThat(h.log().awaitNth(0).remote()).as("the right-most untrusted hop")
        .isEqualTo("203.0.113.9");
  }
}
