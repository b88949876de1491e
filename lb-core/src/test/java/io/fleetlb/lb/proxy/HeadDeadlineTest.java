package io.fleetlb.lb.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetlb.lb.log.Reason;
import io.fleetlb.lb.testing.ProxyTestBase;
import io.fleetlb.lb.testing.RawClient;
import io.fleetlb.lb.testing.RouterHarness;
import io.fleetlb.lb.testing.Scripts;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The request-head deadline ({@code timeouts.header_read}) of a kept-alive client connection:
 * re-armed after every answered request, so a connection that then stays silent is closed (and
 * counted). The deadline is 3 s of real time, far above a loopback round trip however loaded the
 * machine (a connection that is never closed fails the test, not a slow one).
 */
class HeadDeadlineTest extends ProxyTestBase {
  @Test
  void aKeptAliveConnectionSilentPastTheHeaderDeadlineIsClosed() {
    start(RouterHarness.builder().replica("a", upstream("m", Scripts.ok()))
        .section("timeouts", "{ header_read: 3s }"));
    try (RawClient c = RawClient.connect(h.router().port())) {
      // Two answered requests in a row: the deadline is re-armed after each, not only once.
      for (int i = 0; i < 2; i++) {
        c.send("GET /v1/chat/completions HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(c.readUntil("}}", Duration.ofSeconds(10))).startsWith("HTTP/1.1 405");
      }
      // Then silence: the connection waiting for a third head is closed by its deadline.
      assertThat(c.awaitClosed(Duration.ofSeconds(20))).isTrue();
    }
    assertThat(h.metric("lb_header_timeouts_total")).isEqualTo(1);
    assertThat(h.log().awaitNth(1).reason()).isEqualTo(Reason.METHOD_NOT_ALLOWED);
    assertThat(h.log().entries()).as("the idle connection's close is not a request").hasSize(2);
  }
}
