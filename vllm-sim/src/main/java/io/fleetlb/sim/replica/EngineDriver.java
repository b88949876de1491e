package io.fleetlb.sim.replica;

import io.fleetlb.sim.engine.Emission;
import io.fleetlb.sim.engine.Engine;
import io.fleetlb.sim.engine.Estimate;
import io.fleetlb.sim.engine.SequenceSpec;
import io.fleetlb.sim.engine.StepPlan;
import io.vertx.core.Context;
import io.vertx.core.internal.ContextInternal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs one {@link Engine} in real time on its own thread: the thin shell around the pure core.
 *
 * <p>Each iteration takes the submissions and cancellations queued since the last step, plans a
 * step at the current virtual time, sleeps until the step's end ({@code duration / timeScale} of
 * wall time), completes it and hands each token to its request's Vert.x context in one task per
 * context. Virtual time is wall time since start multiplied by the time scale, re-read at every
 * step start, so a late wake-up never accumulates drift.
 */
public final class EngineDriver {

  private final Engine engine;
  private final double timeScale;
  private final WallClock clock;
  private final long origin;
  private final ConcurrentLinkedQueue<Object> inbox = new ConcurrentLinkedQueue<>();
  private final Map<Long, Handle> live = new HashMap<>();
  private final StepTiming timing = new StepTiming();
  private final Thread thread;
  private volatile boolean stopped;

  /** A submitted request, used to cancel it. */
  public final class Handle {
    private final SequenceSpec spec;
    private final TokenSink sink;
    private final long arrival;
    private long id = -1;
    private boolean cancelled;

    private Handle(SequenceSpec spec, TokenSink sink, long arrival) {
      this.spec = spec;
      this.sink = sink;
      this.arrival = arrival;
    }

    /** Aborts the request (client gone): frees its slot and KV blocks at the next step boundary. */
    public void cancel() {
      inbox.add(new Cancel(this));
      LockSupport.unpark(thread);
    }
  }

  private record Cancel(Handle handle) {}

  private record SetSlowdown(double factor) {}

  /** Creates a driver on the machine's clock; call {@link #start()} to run it. */
  public EngineDriver(String name, Engine engine, double timeScale) {
    this(name, engine, timeScale, WallClock.SYSTEM);
  }

  /** Creates a driver on the given clock; call {@link #start()} to run it. */
  public EngineDriver(String name, Engine engine, double timeScale, WallClock clock) {
    if (!(timeScale > 0)) {
      throw new IllegalArgumentException("time scale must be positive, got " + timeScale);
    }
    this.engine = engine;
    this.timeScale = timeScale;
    this.clock = clock;
    this.origin = clock.nanoTime();
    this.thread = new Thread(this::run, "sim-engine-" + name);
    this.thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  /** Stops the engine thread; requests in flight get no more tokens. */
  public void stop() {
    stopped = true;
    LockSupport.unpark(thread);
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Queues a request; thread-safe. */
  public Handle submit(SequenceSpec spec, TokenSink sink) {
    Handle h = new Handle(spec, sink, virtualNow());
    inbox.add(h);
    LockSupport.unpark(thread);
    return h;
  }

  /** Changes the engine's slowdown from the next step on; thread-safe. */
  public void setSlowdown(double factor) {
    if (!(factor > 0) || !Double.isFinite(factor)) {
      throw new IllegalArgumentException("slowdown must be positive, got " + factor);
    }
    inbox.add(new SetSlowdown(factor));
    LockSupport.unpark(thread);
  }

  /** The engine's current virtual time in nanoseconds. */
  public long virtualNow() {
    return toVirtual(clock.nanoTime());
  }

  private long toVirtual(long wall) {
    return Math.round((wall - origin) * timeScale);
  }

  public StepTiming timing() {
    return timing;
  }

  /**
   * What the engine would do with this request if it arrived now ({@code POST /sim/estimate});
   * thread-safe, admits nothing. Requests submitted but not yet taken in are taken in first, so
   * they count as queued ahead.
   */
  public Estimate estimate(SequenceSpec spec) {
    synchronized (engine) {
      drainInbox();
      return engine.estimate(spec, virtualNow());
    }
  }

  /**
   * Empties the engine's prefix cache if no request holds KV blocks; thread-safe. False (nothing
   * changed) while a request runs, as vLLM's {@code reset_prefix_cache} answers then.
   */
  public boolean resetPrefixCache() {
    synchronized (engine) {
      return engine.resetPrefixCache();
    }
  }

  private void run() {
    while (!stopped) {
      long startWall = 0;
      StepPlan plan = null;
      synchronized (engine) {
        drainInbox();
        if (!engine.idle()) {
          startWall = clock.nanoTime();
          plan = engine.schedule(toVirtual(startWall));
        }
      }
      if (plan == null) {
        if (inbox.isEmpty()) {
          LockSupport.park(this);
        }
        continue;
      }
      if (plan.isEmpty()) {
        LockSupport.parkNanos(this, 1_000_000);
        continue;
      }
      long endWall = startWall + Math.round(plan.durationNanos() / timeScale);
      clock.sleepUntil(endWall);
      timing.recordLateness(clock.nanoTime() - endWall);
      synchronized (engine) {
        dispatch(engine.complete(plan), endWall);
      }
    }
  }

  private void drainInbox() {
    Object cmd;
    while ((cmd = inbox.poll()) != null) {
      if (cmd instanceof Handle h) {
        if (!h.cancelled) {
          h.id = engine.submit(h.spec, h.arrival);
          live.put(h.id, h);
        }
      } else if (cmd instanceof SetSlowdown s) {
        engine.setSlowdown(s.factor());
      } else {
        Handle h = ((Cancel) cmd).handle;
        h.cancelled = true;
        if (h.id >= 0 && live.remove(h.id) != null) {
          engine.abort(h.id);
        }
      }
    }
  }

  private void dispatch(List<Emission> emissions, long intendedWall) {
    if (emissions.isEmpty()) {
      return;
    }
    Map<Context, List<Object[]>> byContext = new IdentityHashMap<>();
    for (Emission e : emissions) {
      Handle h = e.last() ? live.remove(e.sequenceId()) : live.get(e.sequenceId());
      if (h == null) {
        continue;
      }
      // Each HTTP request runs on its own duplicated context; batch by the underlying event-loop
      // context
      // so one step costs one task per event loop, not one per request.
      Context loop = ((ContextInternal) h.sink.context()).unwrap();
      byContext.computeIfAbsent(loop, k -> new ArrayList<>()).add(new Object[] {h.sink, e});
    }
    byContext.forEach(
        (context, batch) ->
            context.runOnContext(
                v -> {
                  timing.recordDelivery(clock.nanoTime() - intendedWall);
                  for (Object[] item : batch) {
                    Emission e = (Emission) item[1];
                    ((TokenSink) item[0])
                        .onToken(e.index(), e.finish(), intendedWall, e.cachedTokens());
                  }
                }));
  }
}
