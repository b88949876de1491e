package io.fleetlb.lb.soak;

import io.fleetlb.lb.soak.SoakReport.RouterRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples each router's resident memory and open file descriptors from /proc every 5 s into
 * {@code proc.csv}, keeping the peaks for the report (a leak shows as a steady climb).
 */
final class ProcSampler {
  private final SoakProcesses processes;
  private final List<RouterRun> runs;
  private final Path csv;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "soak-proc");
    t.setDaemon(true);
    return t;
  });

  ProcSampler(SoakProcesses processes, List<RouterRun> runs, Path csv) throws IOException {
    this.processes = processes;
    this.runs = runs;
    this.csv = csv;
    Files.writeString(csv, "epoch_ms,router,rss_bytes,fds\n");
    timer.scheduleAtFixedRate(this::sample, 0, 5, TimeUnit.SECONDS);
  }

  private void sample() {
    StringBuilder lines = new StringBuilder();
    for (RouterRun run : runs) {
      Process p = processes.process(run.name);
      if (p == null || !p.isAlive()) {
        continue;
      }
      try {
        long[] now = SoakProcesses.rssAndFds(p.pid());
        synchronized (run) {
          run.peak = new long[] {Math.max(run.peak[0], now[0]), Math.max(run.peak[1], now[1])};
        }
        lines.append(System.currentTimeMillis()).append(',').append(run.name).append(',')
            .append(now[0]).append(',').append(now[1]).append('\n');
      } catch (IOException | RuntimeException gone) {
        // the process is exiting
      }
    }
    try {
      Files.writeString(csv, lines, StandardOpenOption.APPEND);
    } catch (IOException ignored) {
      // a lost sample only widens the gap between two others
    }
  }

  void stop() throws InterruptedException {
    timer.shutdownNow();
    timer.awaitTermination(5, TimeUnit.SECONDS);
  }
}
