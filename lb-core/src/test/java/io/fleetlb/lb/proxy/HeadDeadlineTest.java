package io.fleetlb.lb.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetlb.lb.log.Reason;
import io.fleetlb.lb.testing.ProxyTestBase;
import io.fleetlb.lb.testing.RawClient;
import io.fleetlb.lb.testing.RouterHarness;
import io.fleetlb.lb.testing.Scripts;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The request-head deadline ({@code timeouts.header_read}) of a kept-alive client connection, on
 * a virtual clock: re-armed after every answered request, so a connection that then stays silent
 * is closed (and counted), whatever the time its requests took.
 */
class HeadDeadlineTest extends ProxyTestBase {
  @Test
  void aKeptAliveConnectionSilentPastTheHeaderDeadlineIsClosed() {
    AtomicLong clock = new AtomicLong(System.nanoTime());
    start(RouterHarness.builder().replica("a", upstream("m", Scripts.ok()))
        .section("timeouts", "{ header_read: 10s }").nanoClock(clock::get));
    try (RawClient c = RawClient.connect(h.router().port())) {
      // Two answered requests in a row, 9 s apart: the deadline is re-armed after each (the
      // router re-arms it before it writes the answer, so seeing the answer's head is enough).
      for (int i = 0; i < 2; i++) {
        c.send("GET /v1/chat/completions HTTP/1.1\r\nHost: x\r\nX-Request-Id: head-" + i
            + "\r\n\r\n");
        assertThat(c.readUntil("x-request-id: head-" + i, Duration.ofSeconds(10)))
            .contains("HTTP/1.1 405");
        clock.addAndGet(Duration.ofSeconds(9).toNanos());
      }
      assertThat(h.metric("lb_header_timeouts_total")).isZero();
      // Then silence past the deadline: the connection waiting for a third head is closed.
      clock.addAndGet(Duration.ofSeconds(2).toNanos());
      assertThat(c.awaitClosed(Duration.ofSeconds(10))).isTrue();
    }
    assertThat(h.metric("lb_header_timeouts_total")).isEqualTo(1);
    assertThat(h.log().awaitNth(1).reason()).isEqualTo(Reason.METHOD_NOT_ALLOWED);
    assertThat(h.log().entries()).as("the idle connection's close is not a request").hasSize(2);
  }
}
