package io.fleetlb.lb.testing;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base for router integration tests: one Vert.x for the scripted upstreams per class, and after
 * every test the accounting invariant ({@link RouterHarness#assertBalanced}) before cleanup.
 */
public abstract class ProxyTestBase {
  protected static Vertx vertx;
  private final List<AutoCloseable> resources = new ArrayList<>();
  protected RouterHarness h;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    ScriptedUpstream.join(vertx.close());
  }

  /** Starts a scripted upstream closed after the test. */
  protected ScriptedUpstream upstream(String model, ScriptedUpstream.Script script) {
    ScriptedUpstream u = ScriptedUpstream.start(vertx, model, script);
    resources.add(u);
    return u;
  }

  /** Starts the router under test; it is checked and closed after the test. */
  protected RouterHarness start(RouterHarness.Builder builder) {
    h = builder.start();
    return h;
  }

  /** A port whose connects time out; closed after the test. */
  protected int blackholePort() {
    Blackhole b = Blackhole.open();
    resources.add(b);
    return b.port();
  }

  /** A port nothing listens on (connections are refused). */
  protected static int deadPort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterEach
  void checkAccountingAndClose() throws Exception {
    try {
      if (h != null) {
        h.assertBalanced();
      }
    } finally {
      if (h != null) {
        h.close();
      }
      for (AutoCloseable r : resources) {
        r.close();
      }
    }
  }
}
