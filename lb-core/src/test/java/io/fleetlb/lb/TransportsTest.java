package io.fleetlb.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.fleetlb.lb.config.ConfigLoader;
import io.fleetlb.lb.config.RouterConfig;
import io.vertx.core.Vertx;
import io.vertx.core.transport.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Choosing the transport of {@code listen.transport}, and falling back under {@code auto}. */
class TransportsTest {
  private static Vertx nio() {
    return Vertx.builder().withTransport(Transport.NIO).build();
  }

  @Test
  void autoPassesOverATransportWhoseLoopsDoNotStartForTheNext() throws Exception {
    List<String> tried = new ArrayList<>();
    Vertx v = Transports.build("auto", t -> {
      tried.add(t.name());
      if (t != Transport.NIO) {
        throw new IllegalStateException("ring refused");
      }
      return nio();
    });
    try {
      List<String> expected = new ArrayList<>();
      for (Transport t : new Transport[] {Transport.IO_URING, Transport.EPOLL}) {
        if (t != null && t.available()) {
          expected.add(t.name());
        }
      }
      expected.add("nio");
      assertThat(tried).isEqualTo(expected);
      assertThat(Transports.name(v)).isEqualTo("nio");
    } finally {
      v.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aTransportNamedExplicitlyIsTheOnlyOneTried() {
    assumeThat(Transport.EPOLL != null && Transport.EPOLL.available()).isTrue();
    List<String> tried = new ArrayList<>();
    assertThatThrownBy(() -> Transports.build("epoll", t -> {
      tried.add(t.name());
      throw new IllegalStateException("boom");
    })).hasMessage("listen.transport: the event loops did not start on epoll: boom");
    assertThat(tried).containsExactly("epoll");
    assertThat(Transports.resolve("epoll")).isSameAs(Transport.EPOLL);
    assertThat(Transports.resolve("nio")).isSameAs(Transport.NIO);
  }

  @Test
  void aVertxGivenToTheRouterMustRunOnTheTransportNamed() throws Exception {
    Vertx v = nio();
    try {
      Transports.check("auto", v);
      Transports.check("nio", v);
      RouterConfig config = ConfigLoader.create().parse("""
          listen: { host: 127.0.0.1, port: 0, transport: epoll }
          admin: { host: 127.0.0.1, port: 0 }
          replicas:
            - { id: a, url: "http://127.0.0.1:1", model: m }
          """, "test.yaml");
      Throwable failed = Router.builder(config).policy((candidates, load) -> candidates.get(0))
          .vertx(v).start().toCompletionStage()
          .toCompletableFuture().handle((r, e) -> e).get(10, TimeUnit.SECONDS);
      assertThat(failed).hasMessageContaining("test.yaml: listen.transport: epoll is set, but the"
          + " Vert.x instance given to the router runs on nio");
    } finally {
      v.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
