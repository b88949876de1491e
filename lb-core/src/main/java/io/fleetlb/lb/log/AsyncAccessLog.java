package io.fleetlb.lb.log;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An access log whose lines are formatted on the calling thread straight into UTF-8 bytes and
 * written in batches by its own daemon thread, so the event loops never wait on the terminal or
 * the disk, and the writer never touches the entries themselves.
 *
 * <p>The event loop's share per request: the line is built in a buffer of its own thread (the
 * entry's strings are still in that core's cache; no String, StringBuilder or encoder), then
 * copied under a short lock into the shared chunk being filled. Full chunks wait in order for the
 * writer, which every {@link #INTERVAL_NANOS} takes them and the partly filled one and writes each
 * with one system call, then hands the arrays back. A line reaches the output at most about 10 ms
 * after its request ended; lines keep the order in which they were logged. When the writer falls
 * behind by more than {@code maxChunks} chunks (16 MiB by default), lines are dropped and counted.
 *
 * <p>An idle router should not wake a hundred times a second for nothing: after {@link
 * #IDLE_POLLS} empty polls in a row (100 ms without a request) the writer parks until the next
 * line, whose producer wakes it (one volatile read per line otherwise), or for a second at most.
 * Under steady traffic nobody is woken.
 */
final class AsyncAccessLog implements AccessLog {
  /** Bytes per chunk: about 220 lines, one write each. */
  static final int CHUNK = 64 * 1024;
  /** Chunks that may wait for the writer: 16 MiB, about 55,000 lines. */
  static final int MAX_CHUNKS = 256;
  /** Emptied chunks kept for reuse; the rest of a burst's are left to the collector. */
  private static final int KEEP = 8;
  /** How long the writer sleeps when there is nothing to write. */
  static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  /** Empty polls in a row after which the writer waits to be woken instead of polling. */
  static final int IDLE_POLLS = 10;
  /** The longest an idle writer parks before it looks again (a missed wake-up costs no more). */
  static final long IDLE_PARK_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** Each thread's line buffer and clock cache (event loops build their lines in their own). */
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private final AtomicLong dropped = new AtomicLong();
  private final OutputStream out;
  private final boolean closeOutput;
  private final Thread writer;
  private final int chunkBytes;
  private final int maxChunks;
  private final long idleParkNanos;
  /** Guards the chunk fields below. */
  private final Object lock = new Object();
  /** The chunk lines are being copied into. */
  private Chunk filling;
  /** Full chunks waiting for the writer, oldest first. */
  private final ArrayDeque<Chunk> full = new ArrayDeque<>();
  /** Empty chunks ready for reuse. */
  private final ArrayDeque<Chunk> spare = new ArrayDeque<>();
  /** Chunks in existence (filling, full, being written or spare). */
  private int chunks;
  private volatile boolean closed;
  /** The output failed: nothing more can be written. */
  private volatile boolean broken;
  /** The writer is parked until woken: the next producer unparks it. */
  private volatile boolean idle;
  /** How many times the writer has woken (tests: an idle log must not poll). */
  private final AtomicLong wakeUps = new AtomicLong();

  AsyncAccessLog(OutputStream stream, boolean closeOutput) {
    this(stream, closeOutput, CHUNK, MAX_CHUNKS, IDLE_PARK_NANOS);
  }

  /**
   * A log writing chunks of {@code chunkBytes} (at least one line's worth), of which {@code
   * maxChunks} (2 or more) may exist at once, whose idle writer looks again after {@code
   * idleParkNanos} at the latest (tests use small and slow ones).
   */
  AsyncAccessLog(OutputStream stream, boolean closeOutput, int chunkBytes, int maxChunks,
      long idleParkNanos) {
    if (maxChunks < 2) {
      throw new IllegalArgumentException("maxChunks must be at least 2: " + maxChunks);
    }
    this.chunkBytes = chunkBytes;
    this.maxChunks = maxChunks;
    this.idleParkNanos = idleParkNanos;
    this.out = stream;
    this.closeOutput = closeOutput;
    this.filling = new Chunk(chunkBytes);
    this.chunks = 1;
    // A few spares from the start: the event loops need not allocate a chunk under the lock.
    while (chunks < Math.min(4, maxChunks)) {
      spare.addLast(new Chunk(chunkBytes));
      chunks++;
    }
    this.writer = new Thread(this::run, "lb-access-log");
    writer.setDaemon(true);
    writer.start();
  }

  @Override
  public void log(AccessLogEntry entry) {
    if (closed || broken) {
      dropped.incrementAndGet();
      return;
    }
    Scratch s = SCRATCH.get();
    LogfmtLine line = s.line;
    line.reset();
    format(entry, line, s.time);
    if (!append(line.array(), line.length())) {
      dropped.incrementAndGet();
    } else if (idle) {
      idle = false;
      LockSupport.unpark(writer);
    }
  }

  /** Copies one line into the chunk being filled; false when it has to be dropped. */
  private boolean append(byte[] b, int n) {
    synchronized (lock) {
      if (closed || broken || n > chunkBytes) {
        return false;
      }
      Chunk c = filling;
      if (c.length + n > chunkBytes) {
        Chunk next = newChunk();
        if (next == null) {
          return false; // the writer is maxChunks behind
        }
        full.addLast(c);
        filling = c = next;
      }
      System.arraycopy(b, 0, c.bytes, c.length, n);
      c.length += n;
      c.lines++;
      return true;
    }
  }

  /** A spare or new chunk, null when {@code maxChunks} exist. Holds the lock. */
  private Chunk newChunk() {
    Chunk c = spare.pollFirst();
    if (c == null && chunks < maxChunks) {
      c = new Chunk(chunkBytes);
      chunks++;
    }
    return c;
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
    List<Chunk> batch = new ArrayList<>();
    int emptyPolls = 0;
    try {
      while (true) {
        wakeUps.incrementAndGet();
        // Read before taking: whatever was logged before close() is still written.
        boolean last = closed;
        take(batch);
        if (!write(batch)) {
          return;
        }
        giveBack(batch);
        if (last) {
          if (isEmpty()) {
            break;
          }
          continue; // a chunk left behind for want of a replacement: the next take gets it
        }
        emptyPolls = batch.isEmpty() ? emptyPolls + 1 : 0;
        if (emptyPolls < IDLE_POLLS) {
          LockSupport.parkNanos(this, INTERVAL_NANOS);
          continue;
        }
        // Announce the wait, then look once more: a line appended before the flag was visible
        // is found here, one appended after it finds the flag and unparks this thread.
        idle = true;
        if (isEmpty() && !closed) {
          LockSupport.parkNanos(this, idleParkNanos);
        }
        idle = false; // still nothing after a timed-out wait: the next empty poll parks again
      }
    } finally {
      try {
        out.flush();
        if (closeOutput) {
          out.close();
        }
      } catch (IOException | RuntimeException ignored) {
        // Nothing left to report to.
      }
    }
  }

  /**
   * Writes the batch's chunks, one call each, and flushes. When the output fails (a closed pipe,
   * a full disk; a {@link PrintStream} such as standard output only says so through {@link
   * PrintStream#checkError}), nothing more can be written: the log turns broken and counts as
   * dropped what it could not write and everything waiting or logged later.
   *
   * @return false when the output failed
   */
  private boolean write(List<Chunk> batch) {
    int i = 0;
    try {
      for (; i < batch.size(); i++) {
        Chunk c = batch.get(i);
        out.write(c.bytes, 0, c.length);
      }
      out.flush();
      if (out instanceof PrintStream ps && ps.checkError()) {
        i = 0; // which of them reached the output is unknown: count them all
        throw new IOException("the output reports an error");
      }
      return true;
    } catch (IOException | RuntimeException e) {
      broken = true;
      long lost = 0;
      for (int j = Math.min(i, batch.size()); j < batch.size(); j++) {
        lost += batch.get(j).lines;
      }
      dropped.addAndGet(lost + pendingLines());
      return false;
    }
  }

  /** Moves the full chunks, then the one being filled if it holds anything, into {@code batch}. */
  private void take(List<Chunk> batch) {
    batch.clear();
    synchronized (lock) {
      batch.addAll(full);
      full.clear();
      if (filling.length > 0) {
        Chunk next = newChunk();
        if (next != null) { // else it is taken next time, after this batch's chunks are back
          batch.add(filling);
          filling = next;
        }
      }
    }
  }

  /** Returns written chunks for reuse. */
  private void giveBack(List<Chunk> batch) {
    synchronized (lock) {
      for (Chunk c : batch) {
        c.length = 0;
        c.lines = 0;
        if (spare.size() < KEEP) {
          spare.addLast(c);
        } else {
          chunks--;
        }
      }
    }
  }

  private boolean isEmpty() {
    synchronized (lock) {
      return full.isEmpty() && filling.length == 0;
    }
  }

  /** Lines appended but not taken by the writer. */
  private long pendingLines() {
    synchronized (lock) {
      long n = filling.lines;
      for (Chunk c : full) {
        n += c.lines;
      }
      return n;
    }
  }

  /** Formats one entry as a logfmt line ending in a newline (tests). */
  static String line(AccessLogEntry e) {
    LogfmtLine b = new LogfmtLine(512);
    format(e, b, new TimeFormat());
    return b.toString();
  }

  private static final byte[] ID = ascii(" id=");
  private static final byte[] REMOTE = ascii(" remote=");
  private static final byte[] METHOD = ascii(" method=");
  private static final byte[] PATH = ascii(" path=");
  private static final byte[] PROTO = ascii(" proto=");
  private static final byte[] MODEL = ascii(" model=");
  private static final byte[] REPLICA = ascii(" replica=");
  private static final byte[] KEY = ascii(" key=");
  private static final byte[] STATUS = ascii(" status=");
  private static final byte[] BYTES = ascii(" bytes=");
  private static final byte[] DUR = ascii(" dur_ms=");
  private static final byte[] TTFB = ascii(" ttfb_ms=");
  private static final byte[] ATTEMPTS = ascii(" attempts=");
  private static final byte[] REASON = ascii(" reason=");
  private static final byte[] QUEUE = ascii(" queue_ms=");
  private static final byte[][] REASONS = reasons();

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[][] reasons() {
    Reason[] all = Reason.values();
    byte[][] labels = new byte[all.length][];
    for (Reason r : all) {
      labels[r.ordinal()] = ascii(r.label());
    }
    return labels;
  }

  private static void format(AccessLogEntry e, LogfmtLine b, TimeFormat time) {
    b.ascii("time=");
    time.append(b, e.epochMillis());
    b.raw(ID).value(e.requestId());
    b.raw(REMOTE).value(e.remote());
    b.raw(METHOD).value(e.method());
    b.raw(PATH).value(e.path());
    b.raw(PROTO).value(e.protocol());
    b.raw(STATUS).number(e.status());
    b.raw(BYTES).number(e.bytesSent());
    b.raw(DUR).millis(e.durationMicros());
    b.raw(TTFB);
    if (e.firstByteMicros() < 0) {
      b.raw('-');
    } else {
      b.millis(e.firstByteMicros());
    }
    b.raw(MODEL).value(e.model());
    b.raw(REPLICA).value(e.replica());
    b.raw(ATTEMPTS).number(e.attempts());
    b.raw(REASON).raw(REASONS[e.reason().ordinal()]);
    b.raw(KEY).value(e.key());
    if (e.queueMicros() >= 0) {
      b.raw(QUEUE).millis(e.queueMicros());
    }
    b.raw('\n');
  }

  /** A thread's line buffer and clock cache. */
  private static final class Scratch {
    final LogfmtLine line = new LogfmtLine(4096);
    final TimeFormat time = new TimeFormat();
  }

  /** A run of whole lines, written with one call. */
  private static final class Chunk {
    final byte[] bytes;
    int length;
    int lines;

    Chunk(int size) {
      bytes = new byte[size];
    }
  }

  /**
   * Writes an instant exactly as {@link Instant#toString} does for whole milliseconds
   * ({@code 2026-11-23T10:55:51.123Z}, or {@code ...:51Z} on the second), formatting the date and
   * time only once per second.
   */
  static final class TimeFormat {
    private long second = Long.MIN_VALUE;
    private byte[] prefix = new byte[0];

    void append(LogfmtLine b, long epochMillis) {
      long s = Math.floorDiv(epochMillis, 1000);
      if (s != second) {
        String whole = Instant.ofEpochSecond(s).toString();
        prefix = ascii(whole.substring(0, whole.length() - 1));
        second = s;
      }
      b.raw(prefix);
      int ms = (int) Math.floorMod(epochMillis, 1000);
      if (ms != 0) {
        b.raw('.').raw((char) ('0' + ms / 100)).raw((char) ('0' + ms / 10 % 10))
            .raw((char) ('0' + ms % 10));
      }
      b.raw('Z');
    }
  }
}
