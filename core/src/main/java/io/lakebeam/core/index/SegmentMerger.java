package io.lakebeam.core.index;

import io.github.jbellis.jvector.disk.ReaderSupplier;
import io.github.jbellis.jvector.graph.disk.OnDiskGraphIndex;
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
    long rowsToMerge = small.stream().mapToLong(IndexManifest.SegmentRef::rows).sum();
    IndexManifest.SegmentRef merged;
    int mergedRows;
    try (Staged staged = stage(table, small, rowsToMerge, what)) {
      mergedRows = staged.sink().count();
      merged =
          SegmentBuilder.write(
              table,
              manifest.field(),
              staged.sink().vectors(),
              staged.rowMap(),
              metric,
              manifest.paramsValue(),
              what + " (merge)");
    } catch (IOException e) {
      throw LakebeamException.internal("Cannot stage the merged vectors of " + what, e);
    }
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
        mergedRows,
        (System.nanoTime() - start) / 1_000_000);
    return java.util.Optional.of(next);
  }

  /** The vectors of the segments to merge, with the row of each ordinal. */
  private record Staged(VectorSink sink, RowMap rowMap) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      sink.close();
    }
  }

  /**
   * Copies the live rows' vectors of {@code segments} from their graphs (in index form) into a
   * sink: on the heap, or a mapped scratch file when they exceed the build's heap share, as a build
   * stages them.
   */
  private static Staged stage(
      Table table, List<IndexManifest.SegmentRef> segments, long rows, String what)
      throws IOException {
    VectorSink sink = null;
    List<String> files = new ArrayList<>();
    Map<String, Integer> fileIndex = new HashMap<>();
    IntList fileOf = new IntList();
    IntList posOf = new IntList();
    try {
      for (IndexManifest.SegmentRef ref : segments) {
        try (ReaderSupplier readers = IndexFiles.open(table.io(), ref.graphPath());
            OnDiskGraphIndex graph = OnDiskGraphIndex.load(readers);
            OnDiskGraphIndex.View view = graph.getView()) {
          RowMap rowMap = readRows(table, ref);
          if (sink == null) {
            int dimension = graph.getDimension();
            sink = VectorSink.open(dimension, rows * dimension * 4L, "Merge of " + what);
          }
          for (int o = 0; o < rowMap.size(); o++) {
            if (rowMap.file(o) == RowMap.DEAD) {
              continue;
            }
            String file = rowMap.files().get(rowMap.file(o));
            int f =
                fileIndex.computeIfAbsent(
                    file,
                    k -> {
                      files.add(k);
                      return files.size() - 1;
                    });
            sink.add(view.getVector(o));
            fileOf.add(f);
            posOf.add(rowMap.pos(o));
          }
        } catch (IOException | RuntimeException e) {
          throw LakebeamException.internal(
              "Cannot merge index segment " + ref.graphPath() + " of " + what, e);
        }
      }
      return new Staged(sink, new RowMap(files, fileOf.toArray(), posOf.toArray()));
    } catch (RuntimeException e) {
      if (sink != null) {
        sink.close();
      }
      throw e;
    }
  }

  private static RowMap readRows(Table table, IndexManifest.SegmentRef ref) throws IOException {
    Path rowsFile = IndexFiles.fetch(table.io(), ref.rowsPath());
    try (InputStream in =
        new java.io.BufferedInputStream(Files.newInputStream(rowsFile), 1 << 16)) {
      return RowMap.read(in);
    }
  }
}
