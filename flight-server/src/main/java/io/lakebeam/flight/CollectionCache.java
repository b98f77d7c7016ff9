package io.lakebeam.flight;

import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Open collections of a server. A table's metadata is reloaded at most once per refresh interval,
 * by the first request after it (the others go on meanwhile), so commits by other processes
 * (pipelines, other engines) show up within that interval, and at once for a request that comes
 * after a quiet interval: a CLI run that commits and then queries reads its own commit. Reloading
 * on a background thread instead would save that one request the catalog round-trip (0.7% of a
 * search's server samples) at the cost of this read-after-write; a write through this server calls
 * {@link #fresh}, so that the next request sees it. Requests that find a collection not yet open
 * wait for the one open in progress (the start-up warm-up's, typically) instead of loading the
 * table's metadata again beside it.
 */
final class CollectionCache implements AutoCloseable {
  private final Lakehouse lake;
  private final Function<String, Collection> opener;
  private final long refreshNanos;
  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, CompletableFuture<Collection>> opening =
      new ConcurrentHashMap<>();

  private record Entry(Collection collection, long loadedAt, AtomicBoolean refreshing) {
    Entry(Collection collection, long loadedAt) {
      this(collection, loadedAt, new AtomicBoolean());
    }
  }

  CollectionCache(Lakehouse lake, long refreshMillis) {
    this(lake, refreshMillis, lake::collection);
  }

  /** A cache that opens collections with {@code opener} (for tests). */
  CollectionCache(Lakehouse lake, long refreshMillis, Function<String, Collection> opener) {
    this.lake = lake;
    this.opener = opener;
    this.refreshNanos = refreshMillis * 1_000_000L;
  }

  Collection get(String name) {
    long now = System.nanoTime();
    Entry e = entries.get(name);
    if (e == null) {
      return open(name);
    }
    // One request refreshes a stale entry; the others go on with the metadata they have rather
    // than queue behind a catalog round-trip.
    if (now - e.loadedAt() > refreshNanos && e.refreshing().compareAndSet(false, true)) {
      try {
        e.collection().refreshMetadata();
        // replace, not put: a fresh() by a write of this server meanwhile must not be undone
        entries.replace(name, e, new Entry(e.collection(), System.nanoTime()));
      } catch (org.apache.iceberg.exceptions.NoSuchTableException gone) {
        entries.remove(name, e);
        return open(name);
      } finally {
        e.refreshing().set(false);
      }
    }
    return e.collection();
  }

  /** Opens {@code name}, or waits for the open of it that another request has in progress. */
  private Collection open(String name) {
    CompletableFuture<Collection> mine = new CompletableFuture<>();
    CompletableFuture<Collection> running = opening.putIfAbsent(name, mine);
    if (running != null) {
      try {
        return running.join();
      } catch (CompletionException failed) {
        if (failed.getCause() instanceof RuntimeException r) {
          throw r; // e.g. an unknown collection, as the opening request saw it
        }
        throw failed;
      }
    }
    try {
      Entry opened = entries.get(name); // by a request that finished just before
      Collection c = opened != null ? opened.collection() : opener.apply(name);
      if (opened == null) {
        entries.put(name, new Entry(c, System.nanoTime()));
      }
      mine.complete(c);
      return c;
    } catch (RuntimeException failed) {
      mine.completeExceptionally(failed);
      throw failed;
    } finally {
      opening.remove(name, mine);
    }
  }

  /** Reloads now (after this server changed the table). */
  Collection fresh(String name) {
    Collection c = lake.collection(name);
    entries.put(name, new Entry(c, System.nanoTime()));
    return c;
  }

  void forget(String name) {
    entries.remove(name);
  }

  @Override
  public void close() {
    // nothing runs in the background
  }
}
