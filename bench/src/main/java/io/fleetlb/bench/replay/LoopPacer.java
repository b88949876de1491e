package io.fleetlb.bench.replay;

import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.internal.ContextInternal;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Releases one event loop's share of the schedule from that loop itself: a Netty timer set for the
 * next due request (with the native epoll transport the loop arms a timerfd for near deadlines,
 * microsecond-precise), which on firing hands every request now due to the flow and sets itself
 * again. No pacer thread, so a request costs one thread wake-up instead of two (pacer thread, then
 * the event loop), and a descheduled pacer thread cannot delay the whole schedule. Never early: a
 * request is released only once the clock has reached its due time.
 */
final class LoopPacer implements Runnable {
  private final ContextInternal context;
  private final EventLoop loop;
  private final RequestTracker[] due;
  private final long t0;
  private final Consumer<RequestTracker> arrive;
  private int next;
  private volatile boolean stopped;

  LoopPacer(Context context, List<RequestTracker> due, long t0, Consumer<RequestTracker> arrive) {
    this.context = (ContextInternal) context;
    this.loop = this.context.nettyEventLoop();
    this.due = due.toArray(new RequestTracker[0]);
    this.t0 = t0;
    this.arrive = arrive;
  }

  /** Whether the native transport runs the loops (else the loops' timers quantize to 1 ms). */
  static boolean precise(io.vertx.core.Vertx vertx) {
    String forced = System.getProperty("bench.pacer", "");
    if (!forced.isEmpty()) {
      return forced.equals("loop");
    }
    return vertx.isNativeTransportEnabled();
  }

  void start() {
    if (due.length > 0) {
      loop.execute(this);
    }
  }

  void stop() {
    stopped = true;
  }

  @Override
  public void run() {
    while (next < due.length && !stopped) {
      RequestTracker t = due[next];
      long now = System.nanoTime();
      long wait = t0 + t.scheduledNs - now;
      if (wait > 0) {
        loop.schedule(this, wait, TimeUnit.NANOSECONDS);
        return;
      }
      next++;
      t.releasedNs = now - t0;
      context.emit(t, arrive::accept); // on this thread, with the request's context current
    }
  }
}
