package io.fleetlb.lb;

import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.transport.Transport;

/**
 * Resolves {@code listen.transport} to the Vert.x transport the router's event loops run on.
 *
 * <p>io_uring submits a loop's socket reads and writes in batches through a ring shared with
 * the kernel: on the router-overhead benchmark it takes a quarter to a third off the router's
 * CPU time per proxied request against epoll (docs/benchmarks.md). It needs Linux 5.9 or later and a seccomp profile that
 * allows its system calls (some container runtimes block them), hence {@code auto}: io_uring
 * where it loads, else epoll, else NIO.
 */
public final class Transports {
  private Transports() {}

  /**
   * The transport {@code name} ({@code auto}, {@code io_uring}, {@code epoll} or {@code nio}).
   *
   * @throws IllegalStateException when a transport named explicitly cannot load here, with the
   *     reason the native library gave
   */
  public static Transport resolve(String name) {
    switch (name) {
      case "nio":
        return Transport.NIO;
      case "epoll":
        return available(Transport.EPOLL, name);
      case "io_uring":
        return available(Transport.IO_URING, name);
      case "auto":
        if (Transport.IO_URING != null && Transport.IO_URING.available()) {
          return Transport.IO_URING;
        }
        if (Transport.EPOLL != null && Transport.EPOLL.available()) {
          return Transport.EPOLL;
        }
        return Transport.NIO;
      default:
        throw new IllegalStateException("listen.transport: unknown transport \"" + name
            + "\" (auto, io_uring, epoll or nio)");
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
