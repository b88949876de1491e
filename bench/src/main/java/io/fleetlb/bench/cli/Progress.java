package io.fleetlb.bench.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.IntSupplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A run's progress while it is in flight: a bar on stderr (not without a console, nor with
 * --no-progress) and/or, for a wrapper such as bench/ab.sh, the line {@code finished sent total} in
 * a file, replaced whole four times a second.
 */
final class Progress implements AutoCloseable {
  private final ProgressBar bar;
  private final Thread ticker;

  private final Path file;
  private final IntSupplier finished;
  private final IntSupplier sent;
  private final int total;

  Progress(
      String task, int total, IntSupplier finished, IntSupplier sent, boolean enabled, Path file) {
    this.file = file;
    this.finished = finished;
    this.sent = sent;
    this.total = total;
    bar =
        !enabled || System.console() == null || total == 0
            ? null
            : new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .build();
    if (bar == null && file == null) {
      ticker = null;
      return;
    }
    ticker =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                if (bar != null) {
                  bar.stepTo(finished.getAsInt());
                  bar.setExtraMessage(" sent " + sent.getAsInt());
                }
                writeFile();
                try {
                  Thread.sleep(250);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "bench-progress");
    ticker.setDaemon(true);
    ticker.start();
  }

  private void writeFile() {
    if (file == null) {
      return;
    }
    try {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, finished.getAsInt() + " " + sent.getAsInt() + " " + total + "\n");
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      // progress is a courtesy: a full disk must not end the run
    }
  }

  @Override
  public void close() {
    if (ticker != null) {
      ticker.interrupt();
    }
    writeFile();
    if (bar != null) {
      bar.stepTo(bar.getMax());
      bar.close();
    }
  }
}
