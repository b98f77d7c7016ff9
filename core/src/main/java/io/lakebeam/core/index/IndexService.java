package io.lakebeam.core.index;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.filter.RowFilter;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.ExternalFiles;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import io.lakebeam.core.lake.VectorField;
import io.lakebeam.core.read.ColumnCache;
import io.lakebeam.core.read.TableState;
import java.io.Closeable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.iceberg.Table;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds, refreshes, loads and searches the vector indexes of a lakehouse's collections.
 *
 * <pre>{@code
 * IndexService indexes = lake.indexes();
 * indexes.build(lake.collection("docs"), "embedding", Metric.COSINE, IndexParams.defaults());
 * List<List<SearchHit>> hits = indexes.search(lake.collection("docs"),
 *     new SearchRequest("embedding", new float[][] {q}, 10, 0, "year >= 2020"));
 * }</pre>
 *
 * <p>An index is registered in the table's metadata only when it is complete, so a process that
 * dies mid-build leaves the previous index in force. Within one process, a second build of the same
 * field fails fast with ALREADY_EXISTS. Thread-safe.
 */
public final class IndexService implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(IndexService.class);

  /** Segments beyond this many are merged on refresh. */
  static final int MAX_SEGMENTS = 8;

  private final Lakehouse lake;
  private final ColumnCache columns;
  private final FilterCache filters;
  private final Map<String, Instant> building = new ConcurrentHashMap<>();
  private final Map<String, VectorIndex> loaded = new ConcurrentHashMap<>();
  private final Map<String, TableState> states = new ConcurrentHashMap<>();
  private final ServingMemory memory;
  private final Map<String, Object> commitLocks = new ConcurrentHashMap<>();
  private volatile boolean backgroundMerge =
      Boolean.parseBoolean(System.getProperty(BACKGROUND_MERGE_PROPERTY, "true"));
  private final MergeThread mergeThread = new MergeThread();

  /**
   * System property: {@code false} turns off the background merge of small segments after a refresh
   * (default {@code true}).
   */
  public static final String BACKGROUND_MERGE_PROPERTY = "lakebeam.index.background-merge";

  /** Table property that keeps a collection's indexes in the hot tier with full vectors. */
  public static final String PINNED_PROPERTY = "lakebeam.serving.pinned";

  public IndexService(Lakehouse lake) {
    this(lake, ServingMemory.fromSystemProperties());
  }

  /** An index service whose loaded segments share {@code memory}'s heap budget. */
  public IndexService(Lakehouse lake, ServingMemory memory) {
    this.lake = lake;
    this.memory = memory;
    long budget = Long.getLong("lakebeam.cache.bytes", Runtime.getRuntime().maxMemory() / 3);
    this.columns = new ColumnCache(budget);
    this.filters = FilterCache.fromSystemProperties(columns);
  }

  /**
   * The result of a build or refresh of one field's index.
   *
   * @param mode {@code full} (a build), {@code incremental} (a refresh that built a new segment),
   *     {@code carried} (a refresh that only re-pointed segments to rewritten files) or {@code
   *     metadata} (a refresh that built nothing)
   * @param rowsIndexed rows the index holds after this run
   * @param rowsBuilt vectors this run read and put into a new graph segment
   * @param rowsCarried rows this run re-pointed from replaced data files to their copy-on-write
   *     rewrites without re-indexing them (see {@link io.lakebeam.core.write.RewriteLineage})
   */
  public record BuildResult(
      String field,
      String mode,
      long rowsIndexed,
      long rowsSkipped,
      List<Map<String, Object>> skipped,
      int segments,
      long snapshotId,
      double seconds,
      long rowsBuilt,
      long rowsCarried) {
    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("field", field);
      m.put("mode", mode);
      m.put("rows_indexed", rowsIndexed);
      m.put("rows_built", rowsBuilt);
      m.put("rows_carried", rowsCarried);
      m.put("rows_skipped", rowsSkipped);
      m.put("skipped", skipped);
      m.put("segments", segments);
      m.put("snapshot_id", snapshotId);
      m.put("seconds", seconds);
      return m;
    }
  }

  public ColumnCache columnCache() {
    return columns;
  }

  /** The heap budget of the loaded indexes, and what they hold. */
  public ServingMemory memory() {
    return memory;
  }

  /**
   * Pins a collection's indexes to the hot tier (full vectors on the heap, never demoted), or
   * unpins them. Stored as the table property {@value #PINNED_PROPERTY}, so every server honours
   * it.
   *
   * <pre>{@code
   * lake.indexes().pin(lake.collection("docs"), true);
   * }</pre>
   */
  public void pin(Collection collection, boolean pinned) {
    collection.table().updateProperties().set(PINNED_PROPERTY, Boolean.toString(pinned)).commit();
    collection.refreshMetadata();
    for (VectorField field : collection.vectorFields().values()) {
      evict(collection.name(), field.name());
    }
  }

  private static boolean pinned(Collection collection) {
    return Boolean.parseBoolean(collection.table().properties().get(PINNED_PROPERTY));
  }

  /** Builds a fresh index over every live row of a vector field, replacing any previous one. */
  public BuildResult build(
      Collection collection, String fieldName, Metric metric, IndexParams params) {
    VectorField field = collection.vectorField(fieldName);
    Metric m = metric == null ? field.metric() : metric;
    return underLock(
        collection,
        field.name(),
        () -> {
          long start = System.nanoTime();
          collection.refreshMetadata();
          TableState state = TableState.of(collection.table());
          if (state.files().isEmpty()) {
            throw LakebeamException.invalid(
                "Cannot index '%s.%s': the collection has no rows yet; insert or register data first",
                collection.name(), field.name());
          }
          SegmentBuilder.Built built =
              SegmentBuilder.build(
                  collection.table(),
                  state,
                  state.paths(),
                  field.name(),
                  field.dimension(),
                  m,
                  params,
                  collection.name());
          List<IndexManifest.SegmentRef> segments =
              built.ref() == null ? List.of() : List.of(built.ref());
          return register(
              collection,
              field.name(),
              m.wireName(),
              params.toMap(),
              state,
              segments,
              "full",
              built.skipped(),
              built.skippedCount(),
              built.ref() == null ? 0 : built.ref().rows(),
              0,
              start);
        });
  }

  /**
   * Brings every index of a collection up to its current snapshot: rows of files added since the
   * indexed snapshot go into a new segment; segments that lost most of their rows, or the smallest
   * ones when there are too many, are merged. Untouched segments are not rebuilt. Segments whose
   * files a column write-back rewrote copy-on-write are carried over to the new files (see {@link
   * IndexCarryOver}) unless the write-back wrote the indexed column itself.
   */
  public List<BuildResult> refresh(Collection collection) {
    collection.refreshMetadata();
    List<BuildResult> results = new ArrayList<>();
    for (VectorField field : collection.vectorFields().values()) {
      Optional<IndexManifest> current = IndexRegistry.find(collection.table(), field.name());
      if (current.isPresent()) {
        results.add(refreshField(collection, field, current.get()));
      }
    }
    if (backgroundMerge
        && results.stream().anyMatch(r -> r.segments() >= SegmentMerger.MIN_SEGMENTS)) {
      mergeInBackground(collection);
    }
    results.addAll(lake.textIndexes().refresh(collection));
    return results;
  }

  /**
   * Merges the small segments of each of a collection's indexes that has at least {@value
   * SegmentMerger#MIN_SEGMENTS} into one (see {@link SegmentMerger}); returns a result (mode {@code
   * merged}) per index merged. A refresh starts this in the background by itself.
   *
   * <pre>{@code
   * lake.indexes().merge(lake.collection("docs"));
   * }</pre>
   */
  public List<BuildResult> merge(Collection collection) {
    return merge(collection, () -> {});
  }

  /** {@link #merge(Collection)} with a hook that runs before each commit (for tests). */
  List<BuildResult> merge(Collection collection, Runnable beforeCommit) {
    collection.refreshMetadata();
    List<BuildResult> results = new ArrayList<>();
    for (VectorField field : collection.vectorFields().values()) {
      Optional<String> path = IndexRegistry.locate(collection.table(), field.name());
      if (path.isEmpty()) {
        continue;
      }
      IndexManifest manifest = IndexRegistry.read(collection.table(), path.get(), field.name());
      if (!SegmentMerger.due(manifest)) {
        continue;
      }
      long start = System.nanoTime();
      String what = collection.name() + "." + field.name();
      Object lock =
          commitLocks.computeIfAbsent(key(collection.name(), field.name()), k -> new Object());
      Optional<IndexManifest> merged =
          SegmentMerger.merge(collection.table(), path.get(), manifest, what, beforeCommit, lock);
      merged.ifPresent(
          m -> results.add(result(field.name(), "merged", m, List.of(), 0, 0, 0, start)));
    }
    return results;
  }

  /** Turns the background merge after refreshes on or off (tests). */
  void backgroundMerge(boolean on) {
    backgroundMerge = on;
  }

  /** Waits for the background merges queued so far (tests). */
  void awaitBackgroundMerges() throws Exception {
    mergeThread.awaitQueued();
  }

  /** Runs {@link #merge(Collection)} on this service's one background merge thread. */
  public java.util.concurrent.Future<List<BuildResult>> mergeInBackground(Collection collection) {
    return mergeThread.submit(
        () -> {
          try {
            return merge(collection);
          } catch (RuntimeException e) {
            LOG.warn(
                "Background merge of {} failed; its segments keep serving", collection.name(), e);
            throw e;
          }
        });
  }

  private BuildResult refreshField(Collection collection, VectorField field, IndexManifest old) {
    return underLock(
        collection,
        field.name(),
        () -> {
          long start = System.nanoTime();
          TableState state = TableState.of(collection.table());
          IndexCarryOver.Result carried = IndexCarryOver.apply(collection.table(), state, old);
          Set<String> readded = // external files overwritten in place: their positions moved
              collection.isExternal()
                  ? ReaddedFiles.since(collection.table(), old.snapshotId())
                  : Set.of();
          RefreshPlan<IndexManifest.SegmentRef> plan =
              RefreshPlan.of(
                  state,
                  carried.segments(),
                  IndexManifest.SegmentRef::files,
                  IndexManifest.SegmentRef::rows,
                  readded);
          List<String> rebuild = plan.rebuild();
          List<IndexManifest.SegmentRef> segments = new ArrayList<>(plan.keep());
          List<SegmentBuilder.Skipped> skipped = List.of();
          long skippedCount = 0;
          long built = 0;
          if (!rebuild.isEmpty()) {
            Metric m = old.metricValue();
            SegmentBuilder.Built segment =
                SegmentBuilder.build(
                    collection.table(),
                    state,
                    rebuild,
                    field.name(),
                    field.dimension(),
                    m,
                    old.paramsValue(),
                    collection.name());
            if (segment.ref() != null) {
              segments.add(segment.ref());
              built = segment.ref().rows();
            }
            skipped = segment.skipped();
            skippedCount = segment.skippedCount();
          }
          String mode =
              !rebuild.isEmpty()
                  ? "incremental"
                  : (carried.rowsCarried() > 0 ? "carried" : "metadata");
          return register(
              collection,
              field.name(),
              old.metric(),
              old.params(),
              state,
              segments,
              mode,
              skipped,
              skippedCount,
              built,
              carried.rowsCarried(),
              start);
        });
  }

  /** Commits a manifest of the given segments at the state's snapshot and reports the result. */
  private BuildResult register(
      Collection collection,
      String field,
      String metric,
      Map<String, Object> params,
      TableState state,
      List<IndexManifest.SegmentRef> segments,
      String mode,
      List<SegmentBuilder.Skipped> skipped,
      long skippedCount,
      long rowsBuilt,
      long rowsCarried,
      long start) {
    IndexManifest manifest =
        new IndexManifest(
            field, metric, params, state.snapshotId(), segments, System.currentTimeMillis());
    synchronized (commitLocks.computeIfAbsent(key(collection.name(), field), k -> new Object())) {
      IndexRegistry.commit(collection.table(), manifest);
    }
    // The loaded index stays: the next search loads the new manifest and reuses its segments.
    return result(field, mode, manifest, skipped, skippedCount, rowsBuilt, rowsCarried, start);
  }

  /** Removes a field's index from the table's metadata. */
  public boolean drop(Collection collection, String fieldName) {
    VectorField field = collection.vectorField(fieldName);
    boolean dropped = IndexRegistry.drop(collection.table(), field.name());
    evict(collection.name(), field.name());
    if (!dropped) {
      throw LakebeamException.notFound(
          "Collection '%s' has no index on '%s'; nothing to drop", collection.name(), field.name());
    }
    return true;
  }

  /**
   * Searches a collection. Uses the field's index when there is one (exact search otherwise) and
   * always answers from the table's current snapshot.
   */
  public List<List<SearchHit>> search(Collection collection, SearchRequest request) {
    VectorField field = collection.vectorField(request.field());
    Table table = collection.table();
    RowFilter filter = RowFilter.parse(request.filter(), table.schema());
    TableState state = state(collection);
    VectorIndex index = acquire(collection, field.name());
    try {
      Metric metric = index == null ? field.metric() : index.manifest().metricValue();
      QueryBatch.checkNorms(field, metric, request.queries());
      int ef =
          request.ef() > 0
              ? request.ef()
              : (index == null ? 0 : index.manifest().paramsValue().efSearch());
      SearchExecution exec =
          new SearchExecution(table, state, index, field, metric, filter, columns, filters);
      List<List<SearchHit>> hits =
          QueryBatch.run(
              exec,
              request.queries(),
              field.dimension(),
              request.topK(),
              Math.max(ef, request.topK()));
      if (collection.isExternal()) {
        Set<String> files = new HashSet<>();
        hits.forEach(q -> q.forEach(h -> files.add(h.file())));
        ExternalFiles.checkLocalUnchanged(state.files(), files, collection.name());
      }
      return hits;
    } finally {
      if (index != null) {
        index.release();
      }
    }
  }

  /** The field's loaded index, acquired for one search (released by the caller), or null. */
  private VectorIndex acquire(Collection collection, String field) {
    for (int attempt = 0; attempt < 100; attempt++) {
      VectorIndex index = index(collection, field);
      if (index == null || index.tryAcquire()) {
        return index;
      }
      // retired between the lookup and the acquire: the next lookup finds its successor
    }
    throw LakebeamException.internal(
        "Cannot acquire the index of " + collection.name() + "." + field + "; retry", null);
  }

  /**
   * Searches the live rows of one snapshot exactly (every row is scored; the index is not used), so
   * the same request at the same snapshot always returns the same rows, however the table and its
   * index have moved on since. Ties break by data file, then position.
   *
   * <pre>{@code
   * List<List<SearchHit>> hits = lake.indexes().searchAt(chunks, request, pinnedSnapshotId);
   * }</pre>
   *
   * @throws LakebeamException NOT_FOUND when the snapshot no longer exists (expired)
   */
  public List<List<SearchHit>> searchAt(
      Collection collection, SearchRequest request, long snapshotId) {
    VectorField field = collection.vectorField(request.field());
    Table table = collection.table();
    RowFilter filter = RowFilter.parse(request.filter(), table.schema());
    TableState state = TableState.of(table, snapshotId);
    SearchExecution exec =
        new SearchExecution(table, state, null, field, field.metric(), filter, columns, filters);
    return exec.run(request.queries(), request.topK(), request.topK());
  }

  /** Whether {@code field} of the collection has a registered index (fresh or stale). */
  public boolean hasIndex(Collection collection, String field) {
    return IndexRegistry.find(collection.table(), field).isPresent();
  }

  /** A JSON-ready list of the collection's indexes with their freshness. */
  public List<Map<String, Object>> describe(Collection collection) {
    List<Map<String, Object>> out = new ArrayList<>();
    long current = collection.snapshotId();
    for (VectorField field : collection.vectorFields().values()) {
      Optional<IndexManifest> m = IndexRegistry.find(collection.table(), field.name());
      if (m.isEmpty()) {
        continue;
      }
      IndexManifest manifest = m.get();
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("field", field.name());
      d.put("index_type", "HNSW");
      d.put("metric", manifest.metric());
      d.put("snapshot_id", manifest.snapshotId());
      d.put("rows", manifest.rows());
      d.put("stale", manifest.snapshotId() != current);
      d.put("segments", manifest.segments().size());
      d.put("unreachable_nodes", unreachableNodes(manifest));
      d.put("params", manifest.params());
      d.put("built_at", Instant.ofEpochMilli(manifest.builtAtMillis()).toString());
      d.put("building", building.containsKey(key(collection.name(), field.name())));
      d.put("pinned", pinned(collection));
      boolean local =
          manifest.segments().stream().allMatch(r -> IndexFiles.localPath(r.graphPath()) != null);
      d.put("storage", local ? "local" : "object-store");
      if (!local) {
        // segments whose graph file the disk cache holds whole (others are read by ranged blocks)
        d.put(
            "disk_cached_segments",
            manifest.segments().stream()
                .filter(r -> diskCache().contains(IndexFiles.sha1(r.graphPath())))
                .count());
      }
      VectorIndex live = loaded.get(key(collection.name(), field.name()));
      if (live != null && live.manifest().snapshotId() == manifest.snapshotId()) {
        d.putAll(live.tiers());
      } else {
        // Not loaded by this server: its files are in the table's storage (and maybe the disk
        // cache); the first search loads it.
        d.put("tier", "cold");
      }
      out.add(d);
    }
    return out;
  }

  /** Whether a build or refresh of this field is running in this process. */
  public boolean isBuilding(String collection, String field) {
    return building.containsKey(key(collection, field));
  }

  /** Drops everything cached for a collection (after a drop or an external change). */
  public void forget(String collection) {
    loaded
        .entrySet()
        .removeIf(
            e -> {
              boolean gone = e.getKey().startsWith(collection + "\u0000");
              if (gone) {
                e.getValue().releaseMemory();
                e.getValue().retire();
              }
              return gone;
            });
    states.keySet().removeIf(k -> k.equals(collection));
  }

  private TableState state(Collection collection) {
    long snapshot = collection.snapshotId();
    TableState s = states.get(collection.name());
    if (s == null || s.snapshotId() != snapshot) {
      s = TableState.of(collection.table());
      states.put(collection.name(), s);
    }
    return s;
  }

  private VectorIndex index(Collection collection, String field) {
    String key = key(collection.name(), field);
    Optional<String> located = IndexRegistry.locate(collection.table(), field);
    VectorIndex current = loaded.get(key);
    if (located.isEmpty()) {
      if (current != null && loaded.remove(key, current)) {
        current.releaseMemory();
        current.retire();
      }
      return null;
    }
    String path = located.get();
    if (current != null && current.manifestPath().equals(path)) {
      return current;
    }
    synchronized (this) {
      current = loaded.get(key);
      if (current != null && current.manifestPath().equals(path)) {
        return current;
      }
      IndexManifest manifest = IndexRegistry.read(collection.table(), path, field);
      // the pinned property as committed now: a caller may hold metadata from before a pin
      collection.refreshMetadata();
      // Segments the new manifest shares with the loaded one are reused; the replaced index
      // closes the rest once the searches still running on it are done.
      VectorIndex fresh;
      try {
        fresh =
            VectorIndex.load(
                collection.table().io(), path, manifest, current, memory, pinned(collection));
      } catch (RuntimeException e) {
        throw unloadable(collection.name(), field, e);
      }
      loaded.put(key, fresh);
      if (current != null) {
        current.retire(); // closes what fresh does not share once its searches are done
      }
      LOG.info(
          "Loaded index {}.{} at snapshot {} ({} rows, {} segments, {})",
          collection.name(),
          field,
          manifest.snapshotId(),
          manifest.rows(),
          manifest.segments().size(),
          fresh.tiers());
      return fresh;
    }
  }

  /**
   * Graph nodes the build's repair left unreachable, over all segments; null when a segment was
   * built before they were counted.
   */
  private static Integer unreachableNodes(IndexManifest manifest) {
    int sum = 0;
    for (IndexManifest.SegmentRef s : manifest.segments()) {
      if (s.unreachableNodes() == null) {
        return null;
      }
      sum += s.unreachableNodes();
    }
    return sum;
  }

  /** A failure to load an index, naming the collection and field and how to repair it. */
  private static LakebeamException unloadable(String collection, String field, RuntimeException e) {
    String detail = e.getMessage();
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t.getMessage() != null) {
        detail = detail + ": " + t.getMessage();
        break;
      }
    }
    return new LakebeamException(
        LakebeamException.Kind.INTERNAL,
        String.format(
            "Cannot load the index of %s.%s (%s); rebuild it with `lakebeam index build %s"
                + " --field %s` (create_index)",
            collection, field, detail, collection, field),
        e);
  }

  /** The process-wide disk cache of index files of object-storage tables, for its figures. */
  public DiskCache diskCache() {
    return DiskCache.shared();
  }

  private interface Work {
    BuildResult run();
  }

  private BuildResult underLock(Collection collection, String field, Work work) {
    String key = key(collection.name(), field);
    Instant previous = building.putIfAbsent(key, Instant.now());
    if (previous != null) {
      throw LakebeamException.alreadyExists(
          "An index build for %s.%s is already running (started %s); wait for it to finish",
          collection.name(), field, previous);
    }
    try {
      return work.run();
    } finally {
      building.remove(key);
    }
  }

  /** Synchronized with loads: a load that began before a pin cannot land after its eviction. */
  private synchronized void evict(String collection, String field) {
    VectorIndex old = loaded.remove(key(collection, field));
    if (old != null) {
      old.releaseMemory();
      old.retire();
      LOG.debug("Evicted index {}.{}", collection, field);
    }
  }

  private static BuildResult result(
      String field,
      String mode,
      IndexManifest m,
      List<SegmentBuilder.Skipped> skipped,
      long skippedCount,
      long rowsBuilt,
      long rowsCarried,
      long start) {
    List<Map<String, Object>> sk = new ArrayList<>();
    for (SegmentBuilder.Skipped s : skipped) {
      sk.add(Map.of("file", s.file(), "pos", s.pos(), "reason", s.reason()));
    }
    return new BuildResult(
        field,
        mode,
        m.rows(),
        skippedCount,
        sk,
        m.segments().size(),
        m.snapshotId(),
        (System.nanoTime() - start) / 1e9,
        rowsBuilt,
        rowsCarried);
  }

  private static String key(String collection, String field) {
    return collection + "\u0000" + field;
  }

  private static void closeQuietly(VectorIndex index) {
    if (index != null) {
      index.close();
    }
  }

  @Override
  public void close() {
    mergeThread.close();
    loaded.values().forEach(IndexService::closeQuietly);
    loaded.clear();
  }
}
