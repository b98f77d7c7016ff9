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
 * Opens the collections of a server, loads their indexes and runs synthetic searches against them
 * off the request path, so that the first queries after a start or an index build neither load the
 * index nor run in the interpreter (before: p99 13 ms over the first 100 queries after a build,
 * against ~2 ms hot). A server passes a {@link RequestPath} that warms the whole path of a search
 * call (ticket, search, point read of an output column, Arrow reply), not only the graph.
 *
 * <pre>{@code
 * IndexWarmup warmup = new IndexWarmup(lake, IndexWarmup.DEFAULT_SEARCHES);
 * warmup.all();               // at server start; ready() turns true when it is done
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

  /** What a warm-up opens and searches; the default touches only the catalog and the index. */
  interface RequestPath {
    /** Opens a collection as a request would (table metadata, description). */
    Collection open(String name);

    /** Runs one single-query search of {@code field}. */
    void search(Collection c, VectorField field, float[] query);
  }

  private final Lakehouse lake;
  private final int searches;
  private final RequestPath path;
  private final ExecutorService worker;
  private final AtomicLong searchesRun = new AtomicLong();
  private final java.util.concurrent.CompletableFuture<Long> started =
      new java.util.concurrent.CompletableFuture<>();
  private final java.util.concurrent.atomic.AtomicBoolean startQueued =
      new java.util.concurrent.atomic.AtomicBoolean();

  /** Warms the index only: loads it and searches it directly. */
  IndexWarmup(Lakehouse lake, int searches) {
    this(
        lake,
        searches,
        new RequestPath() {
          @Override
          public Collection open(String name) {
            return lake.collection(name);
          }

          @Override
          public void search(Collection c, VectorField field, float[] query) {
            lake.indexes()
                .search(c, new SearchRequest(field.name(), new float[][] {query}, 10, 0, null));
          }
        });
  }

  IndexWarmup(Lakehouse lake, int searches, RequestPath path) {
    this.lake = lake;
    this.searches = searches;
    this.path = path;
    this.worker =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "lakebeam-index-warmup");
              t.setDaemon(true);
              t.setPriority(Thread.MIN_PRIORITY);
              return t;
            });
  }

  /**
   * Warms every indexed field of every collection, in the background; the first call's warm-up is
   * the server's start-up, after which {@link #ready()} is true.
   */
  void all() {
    boolean first = startQueued.compareAndSet(false, true);
    if (searches <= 0) {
      started.complete(0L);
      return;
    }
    long start = System.nanoTime();
    worker.execute(
        () -> {
          try {
            for (String name : lake.listCollections()) {
              warm(name);
            }
          } catch (RuntimeException e) {
            LOG.warn("Cannot list the collections to warm: {}", e.toString());
          } finally {
            if (first) {
              started.complete((System.nanoTime() - start) / 1_000_000);
            }
          }
        });
  }

  /** True once the start-up warm-up ({@link #all()}'s first run) is done. */
  boolean ready() {
    return started.isDone();
  }

  /** Milliseconds the start-up warm-up took, or -1 while it runs. */
  long startupMillis() {
    return started.getNow(-1L);
  }

  /** Waits for the start-up warm-up; false on timeout. */
  boolean awaitReady(long timeout, TimeUnit unit) throws InterruptedException {
    try {
      started.get(timeout, unit);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      return true;
    }
  }

  /** Warms the indexed fields of one collection, in the background (after a build or refresh). */
  void collection(String name) {
    if (searches > 0) {
      worker.execute(() -> warm(name));
    }
  }

  private void warm(String name) {
    try {
      Collection c = path.open(name);
      for (Map<String, Object> index : lake.indexes().describe(c)) {
        VectorField field = c.vectorField((String) index.get("field"));
        long start = System.nanoTime();
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < searches; i++) {
          float[] q = new float[field.dimension()];
          for (int j = 0; j < q.length; j++) {
            q[j] = (float) random.nextGaussian();
          }
          path.search(c, field, q);
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
    started.complete(-1L); // nobody waits for a closed server
    worker.shutdownNow();
    try {
      worker.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
