package io.fleetlb.lb.jmh;

import io.fleetlb.lb.log.AccessLog;
import io.fleetlb.lb.log.AccessLogEntry;
import io.fleetlb.lb.log.Reason;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What the access log costs per request, on the event loop and on its writer thread. One thread
 * plays an event loop: per operation it does a fixed amount of other work (so lines come at a
 * rate the writer sustains, about 300,000 a second, more than a router at saturation sends),
 * builds the entry a request ends with (a fresh request id and path, as the router's are) and
 * logs it to {@code /dev/null} (the file write's kernel cost is left out: it is the same for any
 * logger). {@code none} is the baseline: the same work and entry, not logged. The time per
 * operation of {@code log} minus {@code none} is the event loop's share; the writer thread's CPU
 * time per line is printed at the end of the run. Built and run only with {@code -Pjmh}; the
 * command and the figures are in docs/benchmarks.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class AccessLogBenchmark {
  /** Blackhole.consumeCPU tokens per operation: the rest of a request's work. */
  private static final long WORK = 1500;

  @Param({"none", "log"})
  public String log;

  private AccessLog accessLog;
  private long ops;
  private long writerId = -1;
  private long writerCpuAtStart;
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

  @Setup
  public void setUp() throws Exception {
    accessLog = log.equals("log") ? AccessLog.file(Path.of("/dev/null")) : AccessLog.none();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals("lb-access-log")) {
        writerId = t.getId();
      }
    }
    writerCpuAtStart = writerId < 0 ? 0 : threads.getThreadCpuTime(writerId);
  }

  @Benchmark
  public void request(Blackhole bh) {
    Blackhole.consumeCPU(WORK);
    long n = ops++;
    AccessLogEntry e = new AccessLogEntry(1_764_000_000_000L + (n >> 4),
        "req-" + Long.toHexString(0x5deece66dL * n), "10.0.0.7", "POST",
        new String("/v1/chat/completions"), "HTTP/1.1", 200, 5321 + (n & 255), 812_301,
        95_412, "meta-llama/Llama-3.1-8B-Instruct", "llama8b-2", 1, Reason.COMPLETE, "team-a",
        -1);
    accessLog.log(e);
    bh.consume(e);
  }

  @TearDown
  public void tearDown() {
    if (writerId >= 0) {
      long cpu = threads.getThreadCpuTime(writerId) - writerCpuAtStart;
      System.err.printf("access-log writer thread: %.1f ns of CPU per line over %,d lines%n",
          (double) cpu / ops, ops);
    }
    accessLog.close();
    if (accessLog.dropped() > 0) {
      System.err.printf("WARNING: %,d lines dropped: the writer did not keep up, the figures "
          + "are not valid%n", accessLog.dropped());
    }
  }
}
