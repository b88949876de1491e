package io.fleetlb.lb;

import io.fleetlb.lb.config.ListenConfig;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.transport.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves {@code listen.transport} to the Vert.x transport the router's event loops run on.
 *
 * <p>io_uring submits a loop's socket reads and writes in batches through a ring shared with
 * the kernel: on the router-overhead benchmark it takes 25-30 % off the router's CPU time per
 * proxied request against epoll (docs/benchmarks.md). It needs Linux 5.9 or later and a seccomp
 * profile that allows its system calls (container runtimes block them by default), hence
 * {@code auto}: io_uring where it loads and starts, else epoll, else NIO.
 */
public final class Transports {
  private static final Logger LOG = LoggerFactory.getLogger(Transports.class);

  private Transports() {}

  /**
   * The transport {@code name} ({@code auto}, {@code io_uring}, {@code epoll}, {@code kqueue} or
   * {@code nio}); for {@code auto} the first that loads.
   *
   * @throws IllegalStateException when a transport named explicitly cannot load here, with the
   *     reason the native library gave
   */
  public static Transport resolve(String name) {
    return candidates(name).get(0);
  }

  /**
   * Builds a Vert.x instance on the transport {@code name}: {@code builder} starts it on one
   * transport. For {@code auto}, a transport that loads but whose event loops fail to start (a
   * ring the kernel refuses, say) is passed over, with a warning, for the next one.
   *
   * @throws IllegalStateException naming the transport and the cause when none starts
   */
  public static Vertx build(String name, Function<Transport, Vertx> builder) {
    List<Transport> candidates = candidates(name);
    for (int i = 0; ; i++) {
      Transport t = candidates.get(i);
      try {
        return builder.apply(t);
      } catch (RuntimeException e) {
        if (i == candidates.size() - 1) {
          throw new IllegalStateException("listen.transport: the event loops did not start on "
              + t.name() + ": " + e.getMessage(), e);
        }
        LOG.warn("listen.transport: auto: {} loads but its event loops did not start ({});"
            + " trying {}", t.name(), e.toString(), candidates.get(i + 1).name());
      }
    }
  }

  /**
   * Fails when {@code name} names a transport other than the one {@code vertx} runs on (a Vert.x
   * instance handed to the router keeps its own).
   */
  public static void check(String name, Vertx vertx) {
    String runs = name(vertx);
    if (!"auto".equals(name) && !name.equals(runs)) {
      throw new IllegalStateException("listen.transport: " + name + " is set, but the Vert.x"
          + " instance given to the router runs on " + runs);
    }
  }

  /** The name of the transport {@code vertx} runs on: io_uring, epoll, kqueue or nio. */
  public static String name(Vertx vertx) {
    String impl = ((VertxInternal) vertx).transport().getClass().getSimpleName();
    switch (impl) {
      case "IoUringTransport":
        return "io_uring";
      case "EpollTransport":
        return "epoll";
      case "KQueueTransport":
        return "kqueue";
      default:
        return "nio";
    }
  }

  private static List<Transport> candidates(String name) {
    switch (name) {
      case "nio":
        return List.of(Transport.NIO);
      case "epoll":
        return List.of(available(Transport.EPOLL, name));
      case "io_uring":
        return List.of(available(Transport.IO_URING, name));
      case "kqueue":
        return List.of(available(Transport.KQUEUE, name));
      case "auto":
        List<Transport> c = new ArrayList<>();
        for (Transport t : new Transport[] {Transport.IO_URING, Transport.EPOLL}) {
          if (t != null && t.available()) {
            c.add(t);
          }
        }
        c.add(Transport.NIO);
        return c;
      default:
        throw new IllegalStateException("listen.transport: unknown transport \"" + name
            + "\" (" + String.join(", ", ListenConfig.TRANSPORTS) + ")");
    }
  }

  private static Transport available(Transport t, String name) {
    if (t == null) {
      throw new IllegalStateException("listen.transport: " + name
          + " is not available: its native library is not on the class path"
          + " (Linux x86_64 and aarch64 only); use auto or nio");
    }
    if (!t.available()) {
      Throwable cause = t.unavailabilityCause();
      throw new IllegalStateException("listen.transport: " + name + " is not available here: "
          + (cause == null ? "unknown reason" : cause) + "; use auto or nio");
    }
    return t;
  }
}
