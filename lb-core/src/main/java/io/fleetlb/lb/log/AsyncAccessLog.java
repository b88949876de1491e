package io.fleetlb.lb.log;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An access log that hands entries to a bounded queue and formats and writes them in batches on its
 * own daemon thread, so the event loops never wait on the terminal or the disk. When the writer
 * falls behind by more than the queue holds, entries are dropped and counted.
 *
 * <p>The event loop's whole share is one small record and a queue insert that wakes nobody: the
 * writer is not signalled per entry (a wake-up per request costs a futex call and a context switch
 * on the event loop's CPU) but polls the queue every {@link #INTERVAL_NANOS}, drains what came,
 * formats it into one reused text buffer and writes it with one system call per batch (60 KiB at
 * most). A line reaches the output at most about 10 ms after its request ended.
 *
 * <p>An idle router should not wake a hundred times a second for nothing: after {@link
 * #IDLE_POLLS} empty polls in a row (100 ms without a request) the writer parks until the next
 * entry, whose producer wakes it (one volatile read per entry otherwise), or for a second at most.
 * Under steady traffic the queue is never empty that long and nobody is woken.
 */
final class AsyncAccessLog implements AccessLog {
  private static final int CAPACITY = 65_536;
  private static final int BATCH = 4096;
  /** How long the writer sleeps when the queue is empty. */
  static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  private static final int WRITE_AT = 60 * 1024;
  /** Empty polls in a row after which the writer waits to be woken instead of polling. */
  static final int IDLE_POLLS = 10;
  /** The longest an idle writer parks before it looks again (a missed wake-up costs no more). */
  static final long IDLE_PARK_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final BlockingQueue<AccessLogEntry> queue;
  private final AtomicLong dropped = new AtomicLong();
  private final OutputStream out;
  private final boolean closeOutput;
  private final Thread writer;
  private final StringBuilder text = new StringBuilder(WRITE_AT + 4096);
  private final TimeFormat time = new TimeFormat();
  private volatile boolean closed;
  /** The writer is parked until woken: the next producer unparks it. */
  private volatile boolean idle;
  private final long idleParkNanos;
  /** How many times the writer has woken (tests: an idle log must not poll). */
  private final AtomicLong wakeUps = new AtomicLong();

  AsyncAccessLog(OutputStream stream, boolean closeOutput) {
    this(stream, closeOutput, CAPACITY);
  }

  /** A log whose queue holds {@code capacity} entries (tests use a small one). */
  AsyncAccessLog(OutputStream stream, boolean closeOutput, int capacity) {
    this(stream, closeOutput, capacity, IDLE_PARK_NANOS);
  }

  /** ... and whose idle writer looks again after {@code idleParkNanos} at the latest (tests). */
  AsyncAccessLog(OutputStream stream, boolean closeOutput, int capacity, long idleParkNanos) {
    this.idleParkNanos = idleParkNanos;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.out = stream;
    this.closeOutput = closeOutput;
    this.writer = new Thread(this::run, "lb-access-log");
    writer.setDaemon(true);
    writer.start();
  }

  @Override
  public void log(AccessLogEntry entry) {
    if (closed || !queue.offer(entry)) {
      dropped.incrementAndGet();
    } else if (idle) {
      idle = false;
      LockSupport.unpark(writer);
    }
  }

  /** How many times the writer thread has woken up so far. */
  long wakeUps() {
    return wakeUps.get();
  }

  /** Whether the writer has announced that it waits to be woken. */
  boolean idle() {
    return idle;
  }

  @Override
  public long dropped() {
    return dropped.get();
  }

  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(writer);
    try {
      writer.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    List<AccessLogEntry> batch = new ArrayList<>(BATCH);
    int emptyPolls = 0;
    try {
      while (true) {
        wakeUps.incrementAndGet();
        // Read before draining: whatever was logged before close() is still written.
        boolean last = closed;
        batch.clear();
        queue.drainTo(batch, BATCH);
        for (AccessLogEntry e : batch) {
          format(e, text, time);
          if (text.length() >= WRITE_AT) {
            writeText();
          }
        }
        if (batch.size() == BATCH) {
          continue;
        }
        writeText();
        out.flush();
        if (last) {
          break;
        }
        emptyPolls = batch.isEmpty() ? emptyPolls + 1 : 0;
        if (emptyPolls < IDLE_POLLS) {
          LockSupport.parkNanos(this, INTERVAL_NANOS);
          continue;
        }
        // Announce the wait, then look once more: an entry offered before the flag was visible
        // is found here, one offered after it finds the flag and unparks this thread.
        idle = true;
        if (queue.isEmpty() && !closed) {
          LockSupport.parkNanos(this, idleParkNanos);
        }
        idle = false; // still nothing after a timed-out wait: the next empty poll parks again
      }
    } catch (IOException e) {
      // The output is gone (closed pipe): count what can no longer be written.
      dropped.addAndGet(queue.size());
      queue.clear();
    } finally {
      try {
        out.flush();
        if (closeOutput) {
          out.close();
        }
      } catch (IOException ignored) {
        // Nothing left to report to.
      }
    }
  }

  /**
   * Writes the text formatted so far as UTF-8 in one call. The copy to a String and its bytes is
   * one bulk copy per batch (the text is almost always ASCII), far cheaper than a char-by-char
   * encoder over the builder.
   */
  private void writeText() throws IOException {
    if (text.length() == 0) {
      return;
    }
    out.write(text.toString().getBytes(StandardCharsets.UTF_8));
    text.setLength(0);
  }

  /** Formats one entry as a logfmt line ending in a newline. */
  static void format(AccessLogEntry e, StringBuilder b) {
    format(e, b, new TimeFormat());
  }

  private static void format(AccessLogEntry e, StringBuilder b, TimeFormat time) {
    b.append("time=");
    time.append(b, e.epochMillis());
    Logfmt.pair(b, "id", e.requestId());
    Logfmt.pair(b, "remote", e.remote());
    Logfmt.pair(b, "method", e.method());
    Logfmt.pair(b, "path", e.path());
    Logfmt.pair(b, "proto", e.protocol());
    b.append(" status=").append(e.status());
    b.append(" bytes=").append(e.bytesSent());
    b.append(" dur_ms=");
    Logfmt.millis(b, e.durationMicros());
    b.append(" ttfb_ms=");
    if (e.firstByteMicros() < 0) {
      b.append('-');
    } else {
      Logfmt.millis(b, e.firstByteMicros());
    }
    Logfmt.pair(b, "model", e.model());
    Logfmt.pair(b, "replica", e.replica());
    b.append(" attempts=").append(e.attempts());
    b.append(" reason=").append(e.reason().label());
    Logfmt.pair(b, "key", e.key());
    if (e.queueMicros() >= 0) {
      b.append(" queue_ms=");
      Logfmt.millis(b, e.queueMicros());
    }
    b.append('\n');
  }

  /**
   * Writes an instant exactly as {@link Instant#toString} does for whole milliseconds
   * ({@code 2026-11-23T10:55:51.123Z}, or {@code ...:51Z} on the second), formatting the date and
   * time only once per second.
   */
  static final class TimeFormat {
    private long second = Long.MIN_VALUE;
    private String prefix = "";

    void append(StringBuilder b, long epochMillis) {
      long s = Math.floorDiv(epochMillis, 1000);
      if (s != second) {
        String whole = Instant.ofEpochSecond(s).toString();
        prefix = whole.substring(0, whole.length() - 1);
        second = s;
      }
      b.append(prefix);
      int ms = (int) Math.floorMod(epochMillis, 1000);
      if (ms != 0) {
        b.append('.');
        if (ms < 100) {
          b.append('0');
        }
        if (ms < 10) {
          b.append('0');
        }
        b.append(ms);
      }
      b.append('Z');
    }
  }
}
