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

  private final Runnable line;

  private ProgressReporter(long start, boolean curation) {
    this.start = start;
    this.line = curation ? this::printCuration : this::print;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "lakebeam-progress");
              t.setDaemon(true);
              return t;
            });
  }

  /** Progress of an ingest: files extracted, skipped, failed, chunks embedded. */
  static ProgressReporter start(long startNanos) {
    return schedule(new ProgressReporter(startNanos, false));
  }

  /** Progress of a curation job: rows read, texts embedded, data files rewritten. */
  static ProgressReporter startCuration(long startNanos) {
    return schedule(new ProgressReporter(startNanos, true));
  }

  private static ProgressReporter schedule(ProgressReporter p) {
    p.timer.scheduleAtFixedRate(p.line, PERIOD_SECONDS, PERIOD_SECONDS, TimeUnit.SECONDS);
    return p;
  }

  private void printCuration() {
    double s = (System.nanoTime() - start) / 1e9;
    System.err.printf(
        "[curate %4.0fs] %,d rows read (%.0f rows/s), %,d texts embedded, %,d data files"
            + " rewritten%n",
        s,
        LocalProgress.ROWS_READ.sum(),
        LocalProgress.ROWS_READ.sum() / Math.max(s, 1e-9),
        LocalProgress.TEXTS_EMBEDDED.sum(),
        LocalProgress.FILES_REWRITTEN.sum());
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
