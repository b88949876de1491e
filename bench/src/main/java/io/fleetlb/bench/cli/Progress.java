package io.fleetlb.bench.cli;

import java.util.function.IntSupplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar on stderr while a run is in flight; a no-op without a console or with --no-progress. */
final class Progress implements AutoCloseable {
  private final ProgressBar bar;
  private final Thread ticker;

  Progress(String task, int total, IntSupplier finished, IntSupplier sent, boolean enabled) {
    if (!enabled || System.console() == null || total == 0) {
      bar = null;
      ticker = null;
      return;
    }
    bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(250).setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
    ticker = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        bar.stepTo(finished.getAsInt());
        bar.setExtraMessage(" sent " + sent.getAsInt());
        try {
          Thread.sleep(250);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "bench-progress");
    ticker.setDaemon(true);
    ticker.start();
  }

  @Override
  public void close() {
    if (bar != null) {
      ticker.interrupt();
      bar.stepTo(bar.getMax());
      bar.close();
    }
  }
}
