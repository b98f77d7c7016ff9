package io.lakebeam.flight;

import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Open collections of a server. Requests never wait for the catalog once a collection is open: a
 * background thread reloads the metadata of every open collection once per refresh interval, so
 * commits by other processes (pipelines, other engines) show up within that interval, and a write
 * through this server calls {@link #fresh} so that the next request sees it.
 *
 * <p>A refresh interval of 0 reloads on every request (tests that commit outside the server).
 * Thread-safe.
 */
final class CollectionCache implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CollectionCache.class);

  private final Lakehouse lake;
  private final long refreshMillis;
  private final Map<String, Collection> entries = new ConcurrentHashMap<>();
  private final ScheduledExecutorService refresher;

  CollectionCache(Lakehouse lake, long refreshMillis) {
    this.lake = lake;
    this.refreshMillis = refreshMillis;
    if (refreshMillis > 0) {
      this.refresher =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "lakebeam-metadata-refresh");
                t.setDaemon(true);
                return t;
              });
      refresher.scheduleWithFixedDelay(
          this::refreshAll, refreshMillis, refreshMillis, TimeUnit.MILLISECONDS);
    } else {
      this.refresher = null;
    }
  }

  Collection get(String name) {
    Collection c = entries.get(name);
    if (c == null) {
      return entries.computeIfAbsent(name, lake::collection);
    }
    if (refreshMillis <= 0) {
      return refresh(name, c);
    }
    return c;
  }

  /** Reloads now (after this server changed the table). */
  Collection fresh(String name) {
    Collection c = lake.collection(name);
    entries.put(name, c);
    return c;
  }

  void forget(String name) {
    entries.remove(name);
  }

  /** Reloads the metadata of every open collection; drops those that no longer exist. */
  private void refreshAll() {
    for (Map.Entry<String, Collection> e : entries.entrySet()) {
      try {
        refresh(e.getKey(), e.getValue());
      } catch (RuntimeException ex) {
        // keep serving the metadata we have; the next round tries again
        LOG.warn("Cannot refresh the metadata of '{}': {}", e.getKey(), ex.toString());
      }
    }
  }

  private Collection refresh(String name, Collection c) {
    try {
      return c.refreshMetadata();
    } catch (NoSuchTableException gone) {
      entries.remove(name, c);
      return lake.collection(name); // NOT_FOUND naming the collections that exist
    }
  }

  @Override
  public void close() {
    if (refresher != null) {
      refresher.shutdownNow();
    }
  }
}
