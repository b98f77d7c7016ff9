package io.lakebeam.core.index;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.filter.RowFilter;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.ExternalFiles;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.read.TableState;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.iceberg.Table;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.FixedBitSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds, refreshes and searches the BM25 text indexes of a lakehouse's collections, with the
 * segment model of the vector index: one Lucene segment per build or refresh over a set of data
 * files, packed into one file under {@code lakebeam-index/field-<id>/}, listed in a manifest that
 * the table's metadata registers with the snapshot it covers. Deleted rows and removed files are
 * masked at search time; rows the manifest does not cover yet are indexed in memory on the first
 * search of a snapshot, so a search always answers from the current snapshot.
 *
 * <pre>{@code
 * TextIndexService text = lake.textIndexes();
 * text.build(lake.collection("docs"), "text", "english");
 * List<SearchHit> hits = text.search(lake.collection("docs"),
 *     new TextSearchRequest("text", "\"release notes\" +bookworm", 10, "lang = 'en'"));
 * }</pre>
 *
 * <p>Scores use collection-wide statistics over every segment (see {@link TextIndexView}); like
 * Lucene's own deletes, rows deleted since a segment was built still count in those statistics
 * until a refresh rebuilds the segment. Thread-safe.
 */
public final class TextIndexService implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(TextIndexService.class);

  /** Hits fetched beyond k, so that ties at the k-th score break by row, not by segment. */
  static final int TIE_MARGIN = 16;

  private static final java.util.Comparator<SearchHit> BEST_FIRST =
      java.util.Comparator.comparing((SearchHit h) -> -h.score())
          .thenComparing(SearchHit::file)
          .thenComparingLong(SearchHit::pos);

  private final Lakehouse lake;
  private final Map<String, Instant> building = new ConcurrentHashMap<>();
  private final Map<String, TextIndexView> views = new ConcurrentHashMap<>();
  private final Map<String, TextSegment> segments = new ConcurrentHashMap<>();
  private final Map<String, TableState> states = new ConcurrentHashMap<>();
  private volatile FilterCache filters;

  public TextIndexService(Lakehouse lake) {
    this.lake = lake;
  }

  private FilterCache filters() {
    FilterCache f = filters;
    if (f == null) {
      f = FilterCache.fromSystemProperties(lake.indexes().columnCache());
      filters = f;
    }
    return f;
  }

  /** Builds a fresh text index over every live row of a string column, replacing any previous. */
  public IndexService.BuildResult build(Collection collection, String field, String analyzer) {
    return build(
        collection, field, analyzer, ExactBm25Similarity.DEFAULT_K1, ExactBm25Similarity.DEFAULT_B);
  }

  /**
   * As {@link #build(Collection, String, String)} with BM25's {@code k1} (0..3, default 1.2) and
   * {@code b} (0..1, default 0.75).
   */
  public IndexService.BuildResult build(
      Collection collection, String field, String analyzer, float k1, float b) {
    checkField(collection, field);
    String analyzerName = TextAnalyzers.check(analyzer);
    if (!(k1 >= 0 && k1 <= 3) || !(b >= 0 && b <= 1)) {
      throw LakebeamException.invalid(
          "Cannot build a text index with k1=%s, b=%s: use k1 in 0..3 and b in 0..1", k1, b);
    }
    return underLock(
        collection,
        field,
        () -> {
          long start = System.nanoTime();
          collection.refreshMetadata();
          TableState state = TableState.of(collection.table());
          if (state.files().isEmpty()) {
            throw LakebeamException.invalid(
                "Cannot index '%s.%s': the collection has no rows yet; insert or register data first",
                collection.name(), field);
          }
          TextIndexManifest empty =
              new TextIndexManifest(field, analyzerName, k1, b, 0, List.of(), 0);
          Built built = writeSegment(collection.table(), state, state.paths(), empty);
          List<TextIndexManifest.SegmentRef> refs =
              built.ref() == null ? List.of() : List.of(built.ref());
          return register(collection, empty, state, refs, "full", built, start);
        });
  }

  /** Brings every text index of a collection up to its current snapshot (see the class doc). */
  public List<IndexService.BuildResult> refresh(Collection collection) {
    List<IndexService.BuildResult> results = new ArrayList<>();
    for (String field : TextIndexRegistry.fields(collection.table())) {
      var manifest = TextIndexRegistry.find(collection.table(), field);
      if (manifest.isPresent() && collection.table().schema().findField(field) != null) {
        results.add(refreshField(collection, manifest.get()));
      }
    }
    return results;
  }

  private IndexService.BuildResult refreshField(Collection collection, TextIndexManifest old) {
    return underLock(
        collection,
        old.field(),
        () -> {
          long start = System.nanoTime();
          TableState state = TableState.of(collection.table());
          Set<String> readded =
              collection.isExternal()
                  ? ReaddedFiles.since(collection.table(), old.snapshotId())
                  : Set.of();
          RefreshPlan<TextIndexManifest.SegmentRef> plan =
              RefreshPlan.of(
                  state,
                  old.segments(),
                  TextIndexManifest.SegmentRef::files,
                  TextIndexManifest.SegmentRef::rows,
                  readded);
          List<String> rebuild = plan.rebuild();
          Built built = new Built(null, 0);
          List<TextIndexManifest.SegmentRef> refs = new ArrayList<>(plan.keep());
          if (!rebuild.isEmpty()) {
            built = writeSegment(collection.table(), state, rebuild, old);
            if (built.ref() != null) {
              refs.add(built.ref());
            }
          }
          String mode = rebuild.isEmpty() ? "metadata" : "incremental";
          return register(collection, old, state, refs, mode, built, start);
        });
  }

  private record Built(TextIndexManifest.SegmentRef ref, long nulls) {}

  private static Built writeSegment(
      Table table, TableState state, List<String> files, TextIndexManifest settings) {
    Path scratch = null;
    try {
      Files.createDirectories(IndexFiles.cacheDir());
      scratch = Files.createTempDirectory(IndexFiles.cacheDir(), "text-build");
      TextSegment.Written w;
      try (FSDirectory dir = FSDirectory.open(scratch)) {
        w =
            TextSegment.write(
                dir,
                table,
                state,
                files,
                settings.field(),
                TextAnalyzers.forName(settings.analyzer()),
                new ExactBm25Similarity(settings.k1(), settings.b()));
      }
      if (w.rows() == 0) {
        return new Built(null, w.nulls());
      }
      String path = IndexRegistry.newSegmentBase(table, settings.field()) + ".lucene";
      Path packed = SegmentBuilder.scratchFor(path);
      TextSegmentFiles.pack(scratch, packed);
      IndexFiles.publish(table.io(), packed, path);
      return new Built(new TextIndexManifest.SegmentRef(path, w.rows(), files), w.nulls());
    } catch (IOException e) {
      throw LakebeamException.internal(
          "Cannot write a text index segment of " + settings.field(), e);
    } finally {
      TextSegmentFiles.deleteTree(scratch);
    }
  }

  private IndexService.BuildResult register(
      Collection collection,
      TextIndexManifest settings,
      TableState state,
      List<TextIndexManifest.SegmentRef> refs,
      String mode,
      Built built,
      long start) {
    TextIndexManifest manifest =
        new TextIndexManifest(
            settings.field(),
            settings.analyzer(),
            settings.k1(),
            settings.b(),
            state.snapshotId(),
            refs,
            System.currentTimeMillis());
    TextIndexRegistry.commit(collection.table(), manifest);
    LOG.info(
        "Text index {}.{}: {} ({} rows, {} segments)",
        collection.name(),
        settings.field(),
        mode,
        manifest.rows(),
        refs.size());
    return new IndexService.BuildResult(
        settings.field(),
        mode,
        manifest.rows(),
        built.nulls(),
        List.of(),
        refs.size(),
        state.snapshotId(),
        (System.nanoTime() - start) / 1e9,
        built.ref() == null ? 0 : built.ref().rows(),
        0);
  }

  /** Removes a field's text index from the table's metadata; NOT_FOUND when it has none. */
  public boolean drop(Collection collection, String field) {
    boolean dropped = TextIndexRegistry.drop(collection.table(), field);
    TextIndexView old = views.remove(key(collection.name(), field));
    if (old != null) {
      old.release();
    }
    if (!dropped) {
      throw LakebeamException.notFound(
          "Collection '%s' has no text index on '%s'; nothing to drop", collection.name(), field);
    }
    return true;
  }

  /** The fields of a collection that have a text index, sorted. */
  public List<String> fields(Collection collection) {
    return TextIndexRegistry.fields(collection.table());
  }

  /** Whether a field has a text index. */
  public boolean has(Collection collection, String field) {
    return TextIndexRegistry.locate(collection.table(), field).isPresent();
  }

  /** A JSON-ready list of the collection's text indexes with their freshness. */
  public List<Map<String, Object>> describe(Collection collection) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (String field : TextIndexRegistry.fields(collection.table())) {
      TextIndexManifest m = TextIndexRegistry.find(collection.table(), field).orElseThrow();
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("field", field);
      d.put("index_type", "BM25");
      d.put("analyzer", m.analyzer());
      d.put("params", Map.of("k1", m.k1(), "b", m.b()));
      d.put("snapshot_id", m.snapshotId());
      d.put("rows", m.rows());
      d.put("stale", m.snapshotId() != collection.snapshotId());
      d.put("segments", m.segments().size());
      d.put("built_at", Instant.ofEpochMilli(m.builtAtMillis()).toString());
      d.put("building", building.containsKey(key(collection.name(), field)));
      out.add(d);
    }
    return out;
  }

  /** The best rows for a text query (see {@link TextSearchRequest}), best first. */
  public List<SearchHit> search(Collection collection, TextSearchRequest request) {
    Table table = collection.table();
    checkField(collection, request.field());
    RowFilter filter = RowFilter.parse(request.filter(), table.schema());
    TableState state = state(collection);
    TextIndexView view = acquire(collection, request.field(), state);
    List<SearchHit> hits = new ArrayList<>();
    try {
      Query query = TextQueries.parse(request.field(), request.text(), view.manifest.analyzer());
      List<FixedBitSet> masks = masks(view, state, table, filter.matchesAll() ? null : filter);
      if (masks != null) {
        query =
            new BooleanQuery.Builder()
                .add(query, BooleanClause.Occur.MUST)
                .add(new AcceptedRowsQuery(masks), BooleanClause.Occur.FILTER)
                .build();
      }
      // a few more than k, so equal scores rank by (file, position) however rows are segmented
      TopDocs top =
          view.searcher.search(
              query, Math.min(request.topK() + TIE_MARGIN, SearchRequest.MAX_TOP_K));
      List<LeafReaderContext> leaves = view.searcher.getIndexReader().leaves();
      for (ScoreDoc sd : top.scoreDocs) {
        int leaf = org.apache.lucene.index.ReaderUtil.subIndex(sd.doc, leaves);
        TextSegment s = view.segmentOfLeaf(leaf);
        int doc = sd.doc - leaves.get(leaf).docBase;
        hits.add(
            new SearchHit(s.files.get(s.fileOf[doc]), s.posOf[doc], sd.score, sd.score, -sd.score));
      }
    } catch (IOException e) {
      throw LakebeamException.internal("Cannot search the text index of " + request.field(), e);
    } catch (org.apache.lucene.search.IndexSearcher.TooManyClauses e) {
      throw LakebeamException.invalid(
          "Cannot search text '%s': it expands to too many terms (%s); use fewer wildcards",
          request.text(), e.getMessage());
    } finally {
      view.release();
    }
    hits.sort(BEST_FIRST);
    if (hits.size() > request.topK()) {
      hits = new ArrayList<>(hits.subList(0, request.topK()));
    }
    if (collection.isExternal()) {
      Set<String> files = new HashSet<>();
      hits.forEach(h -> files.add(h.file()));
      ExternalFiles.checkLocalUnchanged(state.files(), files, collection.name());
    }
    return hits;
  }

  /** Per leaf, the documents a request may return; null when every document of every leaf may. */
  private List<FixedBitSet> masks(
      TextIndexView view, TableState state, Table table, RowFilter filter) {
    List<FixedBitSet> masks = new ArrayList<>();
    boolean any = false;
    List<LeafReaderContext> leaves = view.searcher.getIndexReader().leaves();
    for (int l = 0; l < leaves.size(); l++) {
      TextSegment s = view.segmentOfLeaf(l);
      int nf = s.files.size();
      boolean[] live = new boolean[nf];
      BitSet[] deleted = new BitSet[nf];
      BitSet[] matching = new BitSet[nf];
      boolean all = true;
      for (int f = 0; f < nf; f++) {
        String path = s.files.get(f);
        live[f] = state.isLive(path);
        if (!live[f]) {
          all = false;
          continue;
        }
        deleted[f] = state.deletedPositions(path);
        all &= deleted[f] == null;
        if (filter != null) {
          matching[f] = filters().matches(table, path, filter);
          all = false;
        }
      }
      if (all) {
        masks.add(null);
        continue;
      }
      any = true;
      int n = leaves.get(l).reader().maxDoc();
      FixedBitSet bits = new FixedBitSet(n);
      for (int d = 0; d < n; d++) {
        int f = s.fileOf[d];
        int pos = s.posOf[d];
        if (live[f]
            && (deleted[f] == null || !deleted[f].get(pos))
            && (matching[f] == null || matching[f].get(pos))) {
          bits.set(d);
        }
      }
      masks.add(bits);
    }
    return any ? masks : null;
  }

  /** The view of a field at the state's snapshot, acquired for one search (caller releases). */
  private TextIndexView acquire(Collection collection, String field, TableState state) {
    String key = key(collection.name(), field);
    for (int attempt = 0; attempt < 100; attempt++) {
      String path = TextIndexRegistry.locate(collection.table(), field).orElse(null);
      if (path == null) {
        throw LakebeamException.invalid(
            "Cannot search text on '%s.%s': the field has no text index; build one with"
                + " `lakebeam index build %s --field %s --type bm25` (create_index with"
                + " index_type 'bm25')",
            collection.name(), field, collection.name(), field);
      }
      TextIndexView current = views.get(key);
      if (current == null
          || !current.manifestPath.equals(path)
          || current.snapshotId != state.snapshotId()) {
        current = load(collection, field, path, state);
      }
      if (current.tryAcquire()) {
        return current;
      }
    }
    throw LakebeamException.internal("Cannot acquire the text index of " + key + "; retry", null);
  }

  private synchronized TextIndexView load(
      Collection collection, String field, String path, TableState state) {
    String key = key(collection.name(), field);
    TextIndexView current = views.get(key);
    if (current != null
        && current.manifestPath.equals(path)
        && current.snapshotId == state.snapshotId()) {
      return current;
    }
    Table table = collection.table();
    TextIndexManifest manifest = TextIndexRegistry.read(table, path, field);
    List<TextSegment> opened = new ArrayList<>();
    Set<String> covered = new HashSet<>();
    try {
      for (TextIndexManifest.SegmentRef ref : manifest.segments()) {
        covered.addAll(ref.files());
        TextSegment s = segments.get(ref.path());
        if (s == null || !s.reader.tryIncRef()) {
          s = TextSegment.open(table, ref);
          segments.put(ref.path(), s);
        }
        opened.add(s);
      }
      List<String> uncovered = state.paths().stream().filter(f -> !covered.contains(f)).toList();
      if (!uncovered.isEmpty()) {
        ByteBuffersDirectory dir = new ByteBuffersDirectory();
        TextSegment.write(
            dir,
            table,
            state,
            uncovered,
            field,
            TextAnalyzers.forName(manifest.analyzer()),
            new ExactBm25Similarity(manifest.k1(), manifest.b()));
        opened.add(TextSegment.open(dir, uncovered));
      }
    } catch (IOException | RuntimeException e) {
      for (TextSegment s : opened) {
        try {
          s.reader.decRef();
        } catch (IOException ignored) {
          // already failing
        }
      }
      throw LakebeamException.internal(
          String.format(
              "Cannot load the text index of %s.%s; rebuild it with `lakebeam index build %s"
                  + " --field %s --type bm25`",
              collection.name(), field, collection.name(), field),
          e);
    }
    TextIndexView fresh =
        new TextIndexView(
            path,
            state.snapshotId(),
            manifest,
            opened,
            new ExactBm25Similarity(manifest.k1(), manifest.b()));
    views.put(key, fresh);
    if (current != null) {
      current.release();
    }
    segments.entrySet().removeIf(e -> e.getValue().reader.getRefCount() <= 0);
    return fresh;
  }

  /** A text index needs a string column. */
  static void checkField(Collection collection, String field) {
    if (field == null || field.isBlank()) {
      throw LakebeamException.invalid("Cannot use a text index: name the text field ('field')");
    }
    Types.NestedField f = collection.table().schema().findField(field);
    if (f == null) {
      throw LakebeamException.notFound(
          "Collection '%s' has no column '%s'; its columns are %s",
          collection.name(),
          field,
          collection.table().schema().columns().stream().map(Types.NestedField::name).toList());
    }
    if (f.type().typeId() != Type.TypeID.STRING) {
      throw LakebeamException.invalid(
          "Cannot use a text index on '%s.%s': it is a %s column; a text (BM25) index needs a"
              + " string column",
          collection.name(), field, f.type());
    }
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

  private interface Work {
    IndexService.BuildResult run();
  }

  private IndexService.BuildResult underLock(Collection collection, String field, Work work) {
    String key = key(collection.name(), field);
    Instant previous = building.putIfAbsent(key, Instant.now());
    if (previous != null) {
      throw LakebeamException.alreadyExists(
          "A text index build for %s.%s is already running (started %s); wait for it to finish",
          collection.name(), field, previous);
    }
    try {
      return work.run();
    } finally {
      building.remove(key);
    }
  }

  /** Drops everything cached for a collection (after a drop). */
  public void forget(String collection) {
    views
        .entrySet()
        .removeIf(
            e -> {
              boolean gone = e.getKey().startsWith(collection + "\u0000");
              if (gone) {
                e.getValue().release();
              }
              return gone;
            });
    states.remove(collection);
  }

  private static String key(String collection, String field) {
    return collection + "\u0000" + field;
  }

  @Override
  public void close() {
    views.values().forEach(TextIndexView::release);
    views.clear();
    segments.clear();
  }
}
