package io.fleetlb.lb.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

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
    StringBuilder b = new StringBuilder();
    for (long m : fixed) {
      b.setLength(0);
      f.append(b, m);
      assertThat(b.toString()).isEqualTo(Instant.ofEpochMilli(m).toString());
    }
    long m = 1_764_000_000_000L;
    for (int i = 0; i < 100_000; i++) {
      // Mostly increasing, as log entries are, with jumps back and forth across seconds.
      m += r.nextInt(-400, 900);
      b.setLength(0);
      f.append(b, m);
      assertThat(b.toString()).isEqualTo(Instant.ofEpochMilli(m).toString());
    }
  }

  @Test
  void theLineFormatIsTheDocumentedOne() {
    StringBuilder b = new StringBuilder();
    AsyncAccessLog.format(entry(1_763_895_351_123L, "9f0c", "meta-llama/Llama-3.1-8B-Instruct"),
        b);
    assertThat(b.toString()).isEqualTo("time=2025-11-23T10:55:51.123Z id=9f0c remote=10.0.0.7 "
        + "method=POST path=/v1/chat/completions proto=HTTP/1.1 status=200 bytes=5321 "
        + "dur_ms=812.301 ttfb_ms=95.412 model=meta-llama/Llama-3.1-8B-Instruct "
        + "replica=llama8b-2 attempts=1 reason=complete key=team-a queue_ms=41.250\n");
  }

  @Test
  void anIdleLogStopsPollingAndTheNextEntryWakesIt() throws Exception {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    // An idle writer that would look again only after a minute: only the producer can wake it.
    AsyncAccessLog log = new AsyncAccessLog(sink, false, 1024, TimeUnit.SECONDS.toNanos(60));
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

  @Test
  void entriesBeyondTheQueueAreDroppedAndCountedWhileTheOutputIsStuck() throws Exception {
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    OutputStream stuck = new OutputStream() {
      @Override
      public void write(int b) {
        sink.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        writing.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          throw new IOException(e);
        }
        sink.write(b, off, len);
      }
    };
    AsyncAccessLog log = new AsyncAccessLog(stuck, false, 4);
    log.log(entry(1_764_000_000_000L, "first", "m"));
    assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < 7; i++) {
      log.log(entry(1_764_000_000_000L, "later-" + i, "m"));
    }
    assertThat(log.dropped()).isEqualTo(3);
    release.countDown();
    log.close();
    assertThat(sink.toString(StandardCharsets.UTF_8).split("\n")).hasSize(5);
    log.log(entry(1_764_000_000_000L, "after-close", "m"));
    assertThat(log.dropped()).isEqualTo(4);
  }
}
