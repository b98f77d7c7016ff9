package io.lakebeam.cli;

import io.lakebeam.transforms.LocalProgress;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Prints a progress line every few seconds while a local pipeline runs. */
final class ProgressReporter implements AutoCloseable {
  /** Seconds between progress lines: {@code $LAKEBEAM_PROGRESS_SECONDS}, default 5. */
  private static final long PERIOD_SECONDS = period();

  private final ScheduledExecutorService timer;
  private final long start;

  private ProgressReporter(long start) {
    this.start = start;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "lakebeam-progress");
              t.setDaemon(true);
              return t;
            });
  }

  static ProgressReporter start(long startNanos) {
    ProgressReporter p = new ProgressReporter(startNanos);
    p.timer.scheduleAtFixedRate(p::print, PERIOD_SECONDS, PERIOD_SECONDS, TimeUnit.SECONDS);
    return p;
  }

  private void print() {
    double s = (System.nanoTime() - start) / 1e9;
    long files = LocalProgress.FILES_EXTRACTED.sum();
    System.err.printf(
        "[ingest %4.0fs] %,d files extracted (%.1f MB, %.1f files/s), %,d skipped, %,d failed,"
            + " %,d chunks embedded%n",
        s,
        files,
        LocalProgress.BYTES_EXTRACTED.sum() / 1e6,
        files / Math.max(s, 1e-9),
        LocalProgress.FILES_SKIPPED.sum(),
        LocalProgress.FILES_FAILED.sum(),
        LocalProgress.TEXTS_EMBEDDED.sum());
  }

  private static long period() {
    try {
      return Math.max(
          1, Long.parseLong(System.getenv().getOrDefault("LAKEBEAM_PROGRESS_SECONDS", "5")));
    } catch (NumberFormatException e) {
      return 5;
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
