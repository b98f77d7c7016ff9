package io.lakebeam.core.index;

import io.github.jbellis.jvector.disk.ReaderSupplier;
import io.github.jbellis.jvector.graph.ListRandomAccessVectorValues;
import io.github.jbellis.jvector.graph.disk.OnDiskGraphIndex;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.lake.Metric;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Table;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges the small segments of a field's index into one, so that a search visits few segments after
 * many incremental refreshes. The merged segment is built from the vectors the segments already
 * hold (their graphs store them inline, in index form): no data file is read again. Every row the
 * merged segments name is kept, so the index answers the same rows before and after; deleted rows
 * stay filtered at search time as before.
 *
 * <pre>{@code
 * Optional<IndexManifest> merged =
 *     SegmentMerger.merge(table, path, manifest, "docs.embedding", () -> {}, lock);
 * }</pre>
 *
 * <p>Policy: once a manifest has at least {@link #MIN_SEGMENTS} segments, every segment except the
 * largest is merged into one (a search then visits two). The new manifest is committed only if the
 * manifest in force is still the one merged from; otherwise (a refresh or build committed
 * meanwhile) the merge is dropped. A process that dies mid-merge leaves the old manifest, and its
 * segments, serving. Not thread-safe per field: callers hold the field's build lock.
 */
final class SegmentMerger {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentMerger.class);

  /** A manifest with at least this many segments is merged. */
  static final int MIN_SEGMENTS = 4;

  private SegmentMerger() {}

  /** Whether {@code manifest} has enough segments to merge. */
  static boolean due(IndexManifest manifest) {
    return manifest.segments().size() >= MIN_SEGMENTS;
  }

  /**
   * Merges every segment of {@code manifest} (found in force at {@code manifestPath}) but its
   * largest into one, commits the new manifest and returns it; empty when nothing is due or the
   * manifest in force changed meanwhile. {@code beforeCommit} runs after the segment is written and
   * before the commit (tests use it to stop a merge there).
   */
  static java.util.Optional<IndexManifest> merge(
      Table table,
      String manifestPath,
      IndexManifest manifest,
      String what,
      Runnable beforeCommit,
      Object commitLock) {
    if (!due(manifest)) {
      return java.util.Optional.empty();
    }
    long start = System.nanoTime();
    IndexManifest.SegmentRef largest =
        manifest.segments().stream()
            .max(Comparator.comparingLong(IndexManifest.SegmentRef::rows))
            .orElseThrow();
    List<IndexManifest.SegmentRef> small =
        manifest.segments().stream().filter(s -> s != largest).toList();
    Metric metric = manifest.metricValue();
    List<VectorFloat<?>> vectors = new ArrayList<>();
    List<String> files = new ArrayList<>();
    Map<String, Integer> fileIndex = new HashMap<>();
    IntList fileOf = new IntList();
    IntList posOf = new IntList();
    int dimension = 0;
    for (IndexManifest.SegmentRef ref : small) {
      try (ReaderSupplier readers = IndexFiles.open(table.io(), ref.graphPath());
          OnDiskGraphIndex graph = OnDiskGraphIndex.load(readers);
          OnDiskGraphIndex.View view = graph.getView()) {
        RowMap rows = readRows(table, ref);
        dimension = graph.getDimension();
        for (int o = 0; o < rows.size(); o++) {
          if (rows.file(o) == RowMap.DEAD) {
            continue;
          }
          String file = rows.files().get(rows.file(o));
          int f =
              fileIndex.computeIfAbsent(
                  file,
                  k -> {
                    files.add(k);
                    return files.size() - 1;
                  });
          vectors.add(view.getVector(o).copy());
          fileOf.add(f);
          posOf.add(rows.pos(o));
        }
      } catch (IOException | RuntimeException e) {
        throw LakebeamException.internal(
            "Cannot merge index segment " + ref.graphPath() + " of " + what, e);
      }
    }
    RowMap rowMap = new RowMap(files, fileOf.toArray(), posOf.toArray());
    IndexManifest.SegmentRef merged =
        SegmentBuilder.write(
            table,
            manifest.field(),
            new ListRandomAccessVectorValues(vectors, dimension),
            rowMap,
            metric,
            manifest.paramsValue(),
            what + " (merge)");
    beforeCommit.run();
    IndexManifest next =
        new IndexManifest(
            manifest.field(),
            manifest.metric(),
            manifest.params(),
            manifest.snapshotId(),
            List.of(largest, merged),
            System.currentTimeMillis());
    synchronized (commitLock) {
      table.refresh();
      if (!IndexRegistry.locate(table, manifest.field()).map(manifestPath::equals).orElse(false)) {
        LOG.info("Merge of {} dropped: the index changed while it ran", what);
        return java.util.Optional.empty();
      }
      IndexRegistry.commit(table, next);
    }
    LOG.info(
        "Merged {} segments of {} ({} rows) into one in {} ms",
        small.size(),
        what,
        vectors.size(),
        (System.nanoTime() - start) / 1_000_000);
    return java.util.Optional.of(next);
  }

  private static RowMap readRows(Table table, IndexManifest.SegmentRef ref) throws IOException {
    Path rowsFile = IndexFiles.fetch(table.io(), ref.rowsPath());
    try (InputStream in =
        new java.io.BufferedInputStream(Files.newInputStream(rowsFile), 1 << 16)) {
      return RowMap.read(in);
    }
  }
}
