package io.lakebeam.transforms;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters that Lakebeam's transforms bump as they work, readable while a pipeline runs in this JVM
 * (the Direct runner and Flink's embedded mini-cluster), for progress lines. Beam metrics carry the
 * same counts on every runner once the pipeline has finished.
 */
public final class LocalProgress {
  public static final LongAdder FILES_EXTRACTED = new LongAdder();
  public static final LongAdder FILES_SKIPPED = new LongAdder();
  public static final LongAdder FILES_FAILED = new LongAdder();
  public static final LongAdder BYTES_EXTRACTED = new LongAdder();
  public static final LongAdder TEXTS_EMBEDDED = new LongAdder();
  public static final LongAdder ROWS_READ = new LongAdder();
  public static final LongAdder FILES_REWRITTEN = new LongAdder();

  private LocalProgress() {}

  /** Sets every counter to zero (before a new pipeline). */
  public static void reset() {
    for (LongAdder a :
        new LongAdder[] {
          FILES_EXTRACTED,
          FILES_SKIPPED,
          FILES_FAILED,
          BYTES_EXTRACTED,
          TEXTS_EMBEDDED,
          ROWS_READ,
          FILES_REWRITTEN
        }) {
      a.reset();
    }
  }
}
