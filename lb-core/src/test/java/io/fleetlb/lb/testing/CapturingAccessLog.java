package io.fleetlb.lb.testing;

import org.awaitility.Awaitility;

import io.fleetlb.lb.log.AccessLog;
import io.fleetlb.lb.log.AccessLogEntry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** An access log that keeps entries in memory so tests can assert the logged reason. */
public final class CapturingAccessLog implements AccessLog {
  private final List<AccessLogEntry> entries = new CopyOnWriteArrayList<>();

  @Override
  public void log(AccessLogEntry entry) {
    entries.add(entry);
  }

  /** Every entry so far. */
  public List<AccessLogEntry> entries() {
    return entries;
  }

  /** Waits for the first entry matching {@code p} and returns it. */
  public AccessLogEntry awaitMatch(Predicate<AccessLogEntry> p) {
    Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> entries.stream().anyMatch(p));
    return entries.stream().filter(p).findFirst().orElseThrow();
  }

  /** Waits for the entry of the request with this path's {@code n}-th log line (0-based). */
  public AccessLogEntry awaitNth(int n) {
    Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> entries.size() > n);
    return entries.get(n);
  }

  /** Waits for the entry with the given request id. */
  public AccessLogEntry awaitId(String requestId) {
    return awaitMatch(e -> requestId.equals(e.requestId()));
  }
}
