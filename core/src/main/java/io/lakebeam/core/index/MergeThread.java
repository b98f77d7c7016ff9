package io.lakebeam.core.index;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one background thread an {@link IndexService} merges segments on, started at the first merge.
 * Closing it waits for a merge in progress, which still writes index files.
 */
final class MergeThread implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MergeThread.class);
  private static final int CLOSE_WAIT_SECONDS = 60;
  private volatile ExecutorService executor;

  <T> Future<T> submit(Callable<T> work) {
    return executor().submit(work);
  }

  /** Waits for the work queued so far. */
  void awaitQueued() throws Exception {
    if (executor != null) {
      executor.submit(() -> {}).get();
    }
  }

  private ExecutorService executor() {
    ExecutorService ex = executor;
    if (ex == null) {
      synchronized (this) {
        if (executor == null) {
          executor =
              Executors.newSingleThreadExecutor(
                  r -> {
                    Thread t = new Thread(r, "lakebeam-segment-merge");
                    t.setDaemon(true);
                    return t;
                  });
        }
        ex = executor;
      }
    }
    return ex;
  }

  @Override
  public void close() {
    ExecutorService ex = executor;
    if (ex == null) {
      return;
    }
    ex.shutdownNow();
    try {
      if (!ex.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
        LOG.warn("A segment merge was still running {} s after close", CLOSE_WAIT_SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
