package io.fleetlb.lb.log;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An access log that hands entries to a bounded queue and formats and writes them on its own
 * daemon thread, so the event loops never wait on the terminal or the disk. When the writer
 * falls behind by more than the queue holds, entries are dropped and counted.
 */
final class AsyncAccessLog implements AccessLog {
  private static final int CAPACITY = 65_536;

  private final BlockingQueue<AccessLogEntry> queue = new ArrayBlockingQueue<>(CAPACITY);
  private final AtomicLong dropped = new AtomicLong();
  private final Writer out;
  private final boolean closeOutput;
  private final Thread writer;
  private volatile boolean closed;

  AsyncAccessLog(OutputStream stream, boolean closeOutput) {
    this.out = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 64 * 1024);
    this.closeOutput = closeOutput;
    this.writer = new Thread(this::run, "lb-access-log");
    writer.setDaemon(true);
    writer.start();
  }

  @Override
  public void log(AccessLogEntry entry) {
    if (closed || !queue.offer(entry)) {
      dropped.incrementAndGet();
    }
  }

  @Override
  public long dropped() {
    return dropped.get();
  }

  @Override
  public void close() {
    closed = true;
    writer.interrupt();
    try {
      writer.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    StringBuilder line = new StringBuilder(256);
    try {
      while (!closed || !queue.isEmpty()) {
        AccessLogEntry e;
        try {
          e = queue.poll(1, TimeUnit.SECONDS);
        } catch (InterruptedException ie) {
          e = queue.poll();
          if (e == null) {
            break;
          }
        }
        if (e == null) {
          continue;
        }
        line.setLength(0);
        format(e, line);
        out.write(line.toString());
        if (queue.isEmpty()) {
          out.flush();
        }
      }
      drainRemaining(line);
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

  private void drainRemaining(StringBuilder line) throws IOException {
    AccessLogEntry e;
    while ((e = queue.poll()) != null) {
      line.setLength(0);
      format(e, line);
      out.write(line.toString());
    }
  }

  /** Formats one entry as a logfmt line ending in a newline. */
  static void format(AccessLogEntry e, StringBuilder b) {
    b.append("time=").append(Instant.ofEpochMilli(e.epochMillis()));
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
}
