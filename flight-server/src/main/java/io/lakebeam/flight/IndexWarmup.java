package io.lakebeam.flight;

import io.lakebeam.core.index.SearchRequest;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.VectorField;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the indexes of a server and runs synthetic searches against them off the request path, so
 * that the first queries after a start or an index build neither load the index nor run in the
 * interpreter (before: p99 13 ms over the first 100 queries after a build, against ~2 ms hot).
 *
 * <pre>{@code
 * IndexWarmup warmup = new IndexWarmup(lake, IndexWarmup.DEFAULT_SEARCHES);
 * warmup.all();               // at server start
 * warmup.collection(c);       // after create_index or refresh
 * }</pre>
 *
 * <p>One background thread; a warm-up that fails is logged and dropped (the request path then loads
 * the index as before). Thread-safe.
 */
final class IndexWarmup implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IndexWarmup.class);

  /** Single-query searches per indexed field: enough for C2 to compile the search path. */
  static final int DEFAULT_SEARCHES = 300;

  private static final long SEED = 14L;

  private final Lakehouse lake;
  private final int searches;
  private final ExecutorService worker;
  private final AtomicLong searchesRun = new AtomicLong();

  IndexWarmup(Lakehouse lake, int searches) {
    this.lake = lake;
    this.searches = searches;
    this.worker =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "lakebeam-index-warmup");
              t.setDaemon(true);
              t.setPriority(Thread.MIN_PRIORITY);
              return t;
            });
  }

  /** Warms every indexed field of every collection, in the background. */
  void all() {
    if (searches <= 0) {
      return;
    }
    worker.execute(
        () -> {
          for (String name : lake.listCollections()) {
            warm(name);
          }
        });
  }

  /** Warms the indexed fields of one collection, in the background (after a build or refresh). */
  void collection(String name) {
    if (searches > 0) {
      worker.execute(() -> warm(name));
    }
  }

  private void warm(String name) {
    try {
      Collection c = lake.collection(name);
      for (Map<String, Object> index : lake.indexes().describe(c)) {
        VectorField field = c.vectorField((String) index.get("field"));
        long start = System.nanoTime();
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < searches; i++) {
          float[] q = new float[field.dimension()];
          for (int j = 0; j < q.length; j++) {
            q[j] = (float) random.nextGaussian();
          }
          lake.indexes().search(c, new SearchRequest(field.name(), new float[][] {q}, 10, 0, null));
          searchesRun.incrementAndGet();
        }
        LOG.info(
            "Warmed index {}.{} with {} searches in {} ms",
            name,
            field.name(),
            searches,
            (System.nanoTime() - start) / 1_000_000);
      }
    } catch (RuntimeException e) {
      LOG.warn("Cannot warm the indexes of '{}': {}", name, e.toString());
    }
  }

  /** Synthetic searches run so far (for tests). */
  long searchesRun() {
    return searchesRun.get();
  }

  /** Waits until the warm-ups queued so far have run; false on timeout (for tests). */
  boolean awaitIdle(long timeout, TimeUnit unit) throws Exception {
    try {
      worker.submit(() -> {}).get(timeout, unit);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    }
  }

  @Override
  public void close() {
    worker.shutdownNow();
    try {
      worker.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
