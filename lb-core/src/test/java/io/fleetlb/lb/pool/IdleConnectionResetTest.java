package io.fleetlb.lb.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetlb.lb.testing.ProxyTestBase;
import io.fleetlb.lb.testing.RouterHarness;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A replica that resets idle keep-alive connections (a crash, a restart, a proxy in between) is
 * routine: the router reconnects and logs no ERROR (Vert.x logs a connection's own errors at
 * ERROR, without context, unless the connection has a handler).
 */
class IdleConnectionResetTest extends ProxyTestBase {
  private final List<Socket> accepted = new CopyOnWriteArrayList<>();
  private ServerSocket server;
  private PrintStream originalErr;

  @AfterEach
  void restore() throws IOException {
    if (originalErr != null) {
      System.setErr(originalErr);
    }
    if (server != null) {
      server.close();
    }
  }

  /** Answers every request on a connection with 200 and a tiny JSON body, keeping it open. */
  private void serve(Socket s) {
    try (InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
      byte[] buf = new byte[8192];
      StringBuilder pending = new StringBuilder();
      int n;
      while ((n = in.read(buf)) > 0) {
        pending.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
        int end;
        while ((end = pending.indexOf("\r\n\r\n")) >= 0) {
          String head = pending.substring(0, end);
          pending.delete(0, end + 4);
          String body = head.contains("/v1/models")
              ? "{\"object\":\"list\",\"data\":[{\"id\":\"m\",\"object\":\"model\"}]}" : "{}";
          out.write(("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: "
              + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
        }
      }
    } catch (IOException e) {
      // reset by the test
    }
  }

  @Test
  void aReplicaResettingIdleConnectionsLogsNoError() throws Exception {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(() -> {
      try {
        while (true) {
          Socket s = server.accept();
          accepted.add(s);
          Thread t = new Thread(() -> serve(s));
          t.setDaemon(true);
          t.start();
        }
      } catch (IOException e) {
        // closed
      }
    });
    acceptor.setDaemon(true);
    acceptor.start();
    originalErr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));

    start(RouterHarness.builder()
        .replica("r", "http://127.0.0.1:" + server.getLocalPort(), "m")
        .section("health_check", "{ interval: 100ms }"));
    await().atMost(10, TimeUnit.SECONDS).until(() -> !accepted.isEmpty());
    // Reset every connection the router holds open (RST, as a killed process with unread data
    // or a proxy does), then wait until the router has reconnected.
    int before = accepted.size();
    for (Socket s : accepted) {
      s.setSoLinger(true, 0);
      s.close();
    }
    await().atMost(10, TimeUnit.SECONDS).until(() -> accepted.size() > before);
    // The reset was read on the event loop before a probe opened another connection; two more
    // passing probes on it.
    double passed = h.metric("lb_health_checks_total", "result=\"pass\"");
    await().atMost(10, TimeUnit.SECONDS)
        .until(() -> h.metric("lb_health_checks_total", "result=\"pass\"") >= passed + 2);
    System.setErr(originalErr);
    assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("ERROR");
  }
}
