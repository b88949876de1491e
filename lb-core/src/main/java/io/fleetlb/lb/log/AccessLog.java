package io.fleetlb.lb.log;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where access-log entries go. {@link #log} is called on an event loop for every request, so an
 * implementation must not block; the standard one formats the line on the calling thread, hands
 * it over under a short lock and writes from its own thread.
 */
public interface AccessLog extends AutoCloseable {
  /** Records one finished request; must not block. */
  void log(AccessLogEntry entry);

  /** Entries dropped because the writer could not keep up. */
  default long dropped() {
    return 0;
  }

  /** Flushes what is queued and releases the output. */
  @Override
  default void close() {}

  /** An access log that discards everything. */
  static AccessLog none() {
    return entry -> {};
  }

  /** The standard log writing logfmt lines to standard output. */
  static AccessLog stdout() {
    return new AsyncAccessLog(System.out, false);
  }

  /** The standard log appending logfmt lines to a file (created if missing). */
  static AccessLog file(Path path) throws IOException {
    OutputStream out = Files.newOutputStream(path, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    return new AsyncAccessLog(out, true);
  }
}
