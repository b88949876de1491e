package io.fleetlb.lb.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AsyncAccessLogTest {
  private static AccessLogEntry entry(long millis, String id, String model) {
    return new AccessLogEntry(millis, id, "10.0.0.7", "POST", "/v1/chat/completions", "HTTP/1.1",
        200, 5321, 812_301, 95_412, model, "llama8b-2", 1, Reason.COMPLETE, "team-a", 41_250);
  }

  @Test
  void theTimeIsWrittenExactlyAsInstantWritesIt() {
    AsyncAccessLog.TimeFormat f = new AsyncAccessLog.TimeFormat();
    SplittableRandom r = new SplittableRandom(7);
    long[] fixed = {0, 1, 9, 10, 99, 100, 999, 1000, 1_764_000_000_000L, 1_764_000_000_005L,
        1_764_000_000_050L, 1_764_000_000_999L, 253_402_300_799_999L};
    LogfmtLine b = new LogfmtLine(64);
    for (long m : fixed) {
      b.reset();
      f.append(b, m);
      assertThat(b.toString()).isEqualTo(Instant.ofEpochMilli(m).toString());
    }
    long m = 1_764_000_000_000L;
    for (int i = 0; i < 100_000; i++) {
      // Mostly increasing, as log entries are, with jumps back and forth across seconds.
      m += r.nextInt(-400, 900);
      b.reset();
      f.append(b, m);
      assertThat(b.toString()).isEqualTo(Instant.ofEpochMilli(m).toString());
    }
  }

  @Test
  void theLineFormatIsTheDocumentedOne() {
    String line =
        AsyncAccessLog.line(entry(1_763_895_351_123L, "9f0c", "meta-llama/Llama-3.1-8B-Instruct"));
    assertThat(line).isEqualTo("time=2025-11-23T10:55:51.123Z id=9f0c remote=10.0.0.7 "
        + "method=POST path=/v1/chat/completions proto=HTTP/1.1 status=200 bytes=5321 "
        + "dur_ms=812.301 ttfb_ms=95.412 model=meta-llama/Llama-3.1-8B-Instruct "
        + "replica=llama8b-2 attempts=1 reason=complete key=team-a queue_ms=41.250\n");
    // No first byte, no queueing, no key, a value that needs quoting, a whole second.
    line = AsyncAccessLog.line(new AccessLogEntry(1_763_895_351_000L, "a b", "10.0.0.7", "GET",
        "/v1/models", "HTTP/2", 404, 0, 1_002, -1, null, null, 0, Reason.UNKNOWN_MODEL, null, -1));
    assertThat(line).isEqualTo("time=2025-11-23T10:55:51Z id=\"a b\" remote=10.0.0.7 method=GET "
        + "path=/v1/models proto=HTTP/2 status=404 bytes=0 dur_ms=1.002 ttfb_ms=- model=- "
        + "replica=- attempts=0 reason=unknown_model key=-\n");
  }

  @Test
  void anIdleLogStopsPollingAndTheNextEntryWakesIt() throws Exception {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    // An idle writer that would look again only after a minute: only the producer can wake it.
    AsyncAccessLog log = new AsyncAccessLog(sink, false, AsyncAccessLog.CHUNK,
        AsyncAccessLog.MAX_CHUNKS, TimeUnit.SECONDS.toNanos(60));
    try {
      // Idle from the start: after IDLE_POLLS empty polls the writer waits to be woken.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!log.idle() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(log.idle()).isTrue();
      Thread.sleep(100); // from announcing the wait to parking
      long before = log.wakeUps();
      Thread.sleep(500); // at 10 ms polling this would be ~50 wake-ups
      assertThat(log.wakeUps()).isEqualTo(before);
      log.log(entry(1_764_000_000_000L, "after-idle", "m"));
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!written(sink).contains("id=after-idle") && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(written(sink)).contains("id=after-idle"); // woken by log(), not the 60 s look
    } finally {
      log.close();
    }
  }

  private static String written(ByteArrayOutputStream sink) {
    synchronized (sink) {
      return sink.toString(StandardCharsets.UTF_8);
    }
  }

  @Test
  void everyEntryIsWrittenOnceInOrderAcrossManyBatches() {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    AsyncAccessLog log = new AsyncAccessLog(sink, false);
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      log.log(entry(1_764_000_000_000L + i, "id-" + i, i % 100 == 0 ? "modèle é" : "m"));
    }
    log.close();
    String[] lines = sink.toString(StandardCharsets.UTF_8).split("\n", -1);
    assertThat(lines).hasSize(n + 1);
    assertThat(lines[n]).isEmpty();
    for (int i = 0; i < n; i++) {
      assertThat(lines[i]).contains(" id=id-" + i + " ");
    }
    assertThat(lines[0]).contains(" model=\"modèle é\" ");
    assertThat(log.dropped()).isZero();
  }

  /**
   * An output whose block writes announce themselves on {@code writing} and wait for {@code
   * release}, then go to {@code sink}, or fail as a closed pipe does when {@code sink} is null.
   */
  private static OutputStream held(CountDownLatch writing, CountDownLatch release,
      ByteArrayOutputStream sink) {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        writing.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          throw new IOException(e);
        }
        if (sink == null) {
          throw new IOException("Broken pipe");
        }
        sink.write(b, off, len);
      }
    };
  }

  @Test
  void linesBeyondTheChunksAreDroppedAndCountedWhileTheOutputIsStuck() throws Exception {
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    OutputStream stuck = held(writing, release, sink);
    int lineBytes = AsyncAccessLog.line(entry(1_764_000_000_000L, "later-0", "m")).length();
    // Two chunks of two lines each: the one being written and the one being filled.
    AsyncAccessLog log = new AsyncAccessLog(stuck, false, 2 * lineBytes + 10, 2,
        AsyncAccessLog.IDLE_PARK_NANOS);
    log.log(entry(1_764_000_000_000L, "first", "m"));
    assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < 7; i++) {
      log.log(entry(1_764_000_000_000L, "later-" + i, "m"));
    }
    assertThat(log.dropped()).isEqualTo(5);
    release.countDown();
    log.close();
    String[] lines = sink.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(lines).hasSize(3);
    assertThat(lines[0]).contains(" id=first ");
    assertThat(lines[1]).contains(" id=later-0 ");
    assertThat(lines[2]).contains(" id=later-1 ");
    log.log(entry(1_764_000_000_000L, "after-close", "m"));
    assertThat(log.dropped()).isEqualTo(6);
  }

  /**
   * The output fails on its first write, which is held until more lines have been logged: the
   * line being written, those waiting and those logged later are all counted. Standard output is
   * a PrintStream, which swallows the failure and only reports it through checkError.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aBrokenOutputCountsWhatItCouldNotWriteAndEverythingAfter(boolean printStream)
      throws Exception {
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch fail = new CountDownLatch(1);
    OutputStream broken = held(writing, fail, null);
    AsyncAccessLog log =
        new AsyncAccessLog(printStream ? new PrintStream(broken, false) : broken, false);
    log.log(entry(1_764_000_000_000L, "lost-first", "m"));
    assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < 5; i++) {
      log.log(entry(1_764_000_000_000L, "lost-" + i, "m"));
    }
    assertThat(log.dropped()).isZero(); // waiting, not dropped yet
    fail.countDown();
    log.close(); // returns: the writer has stopped
    assertThat(log.dropped()).isEqualTo(6);
    log.log(entry(1_764_000_000_000L, "after", "m"));
    assertThat(log.dropped()).isEqualTo(7);
  }

  @Test
  void closeWritesEveryLineItAcceptedEvenWhenEveryChunkIsInUse() {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    int lineBytes = AsyncAccessLog.line(entry(1_764_000_000_000L, "id-10", "m")).length();
    // Two chunks of two lines: a fast producer fills both (one full, one being filled, no spare)
    // and the rest is dropped; close() must still write the one being filled.
    AsyncAccessLog log = new AsyncAccessLog(sink, false, 2 * lineBytes + 10, 2,
        AsyncAccessLog.IDLE_PARK_NANOS);
    int n = 50;
    for (int i = 10; i < 10 + n; i++) {
      log.log(entry(1_764_000_000_000L, "id-" + i, "m"));
    }
    log.close();
    String written = sink.toString(StandardCharsets.UTF_8);
    long lines = written.chars().filter(c -> c == '\n').count();
    assertThat(lines + log.dropped()).as("written + dropped").isEqualTo(n);
    assertThat(lines).isGreaterThanOrEqualTo(4);
  }

  @Test
  void linesFromManyThreadsArriveWholeEachThreadsInOrder() throws Exception {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    // Small chunks (many hand-overs between the threads and the writer), enough of them to hold
    // every line however slow the writer is.
    AsyncAccessLog log = new AsyncAccessLog(sink, false, 4096, 8192,
        AsyncAccessLog.IDLE_PARK_NANOS);
    int threads = 4;
    int each = 5_000;
    Thread[] workers = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      int id = t;
      workers[t] = new Thread(() -> {
        for (int i = 0; i < each; i++) {
          log.log(entry(1_764_000_000_000L + i, "t" + id + "-" + i, i % 7 == 0 ? "modèle é" : "m"));
        }
      });
      workers[t].start();
    }
    for (Thread w : workers) {
      w.join();
    }
    log.close();
    assertThat(log.dropped()).isZero();
    String[] lines = sink.toString(StandardCharsets.UTF_8).split("\n", -1);
    assertThat(lines).hasSize(threads * each + 1);
    int[] next = new int[threads];
    for (int i = 0; i < threads * each; i++) {
      assertThat(lines[i]).startsWith("time=").endsWith(" queue_ms=41.250");
      int at = lines[i].indexOf(" id=t") + 5;
      int dash = lines[i].indexOf('-', at);
      int t = Integer.parseInt(lines[i].substring(at, dash));
      int n = Integer.parseInt(lines[i].substring(dash + 1, lines[i].indexOf(' ', dash)));
      assertThat(n).as("thread %d's lines in order", t).isEqualTo(next[t]++);
    }
    assertThat(next).containsOnly(each);
  }
}
