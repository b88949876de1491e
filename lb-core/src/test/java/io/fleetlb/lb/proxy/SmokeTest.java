package io.fleetlb.lb.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetlb.lb.testing.RouterHarness;
import io.fleetlb.lb.testing.ScriptedUpstream;
import io.fleetlb.lb.testing.Scripts;
import io.vertx.core.Vertx;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class SmokeTest {
  @Test
  void proxiesAndStreams() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (ScriptedUpstream up = ScriptedUpstream.start(vertx, "m", Scripts.ok());
        RouterHarness h = RouterHarness.builder().replica("r0", up).start()) {
      HttpResponse<String> r = h.post("/v1/chat/completions", RouterHarness.chat("m", false));
      System.out.println(r.statusCode() + " " + r.headers().map() + " " + r.body());
      up.script(Scripts.sse(5, 50, 20));
      r = h.post("/v1/chat/completions", RouterHarness.chat("m", true));
      System.out.println(r.statusCode() + " " + r.headers().map() + " " + r.body());
      System.out.println(h.get("/v1/models").body());
      System.out.println(h.log().entries());
      h.assertBalanced();
      assertThat(r.statusCode()).isEqualTo(200);
    } finally {
      vertx.close();
    }
  }
}
