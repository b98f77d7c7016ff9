package io.lakebeam.flight;

import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Open collections of a server. A table's metadata is reloaded at most once per refresh interval,
 * so commits by other processes (pipelines, other engines) show up within that interval without a
 * catalog round-trip on every request.
 */
final class CollectionCache {
  private final Lakehouse lake;
  private final long refreshNanos;
  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

  private record Entry(Collection collection, long loadedAt, AtomicBoolean refreshing) {
    Entry(Collection collection, long loadedAt) {
      this(collection, loadedAt, new AtomicBoolean());
    }
  }

  CollectionCache(Lakehouse lake, long refreshMillis) {
    this.lake = lake;
    this.refreshNanos = refreshMillis * 1_000_000L;
  }

  Collection get(String name) {
    long now = System.nanoTime();
    Entry e = entries.get(name);
    if (e == null) {
      Collection c = lake.collection(name);
      entries.put(name, new Entry(c, now));
      return c;
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
        return lake.collection(name);
      } finally {
        e.refreshing().set(false);
      }
    }
    return e.collection();
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
}
