package io.lakebeam.core.maintain;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.index.IndexReferences;
import io.lakebeam.core.index.IndexService;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.read.TableState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.io.CloseableIterable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites a managed collection's small data files into larger ones and applies its position
 * deletes (the deleted rows are left out of the rewritten files, and delete files that only concern
 * rewritten files are removed), as one Iceberg {@code RewriteFiles} commit.
 *
 * <pre>{@code
 * Compaction.Result r = Compaction.of(lake.collection("kb.chunks")).run();
 * }</pre>
 *
 * <p>Safe under concurrent readers and writers: readers see the files before or after the swap,
 * never a mix; rows appended meanwhile are kept; a commit that deleted rows of a file being
 * rewritten (or rewrote it) meanwhile fails Iceberg's validation, and the compaction is planned
 * again on the new snapshot (up to {@value #MAX_ATTEMPTS} times, then it fails naming the
 * conflict). The vector indexes follow: files are only merged with files of the same index segment,
 * the commit records a {@link io.lakebeam.core.write.RewriteLineage}, and the indexes are refreshed
 * afterwards, which carries each segment over to the merged files instead of re-indexing them.
 * Immutable.
 */
public final class Compaction {
  private static final Logger LOG = LoggerFactory.getLogger(Compaction.class);

  /**
   * Target size of a compacted file when the table sets no {@code write.target-file-size-bytes}.
   */
  public static final long DEFAULT_TARGET_FILE_BYTES = 128L << 20;

  /** Snapshot summary key marking a maintenance commit, with the operation as value. */
  public static final String SUMMARY_KEY = "lakebeam.maintenance";

  static final int MAX_ATTEMPTS = 3;

  private final Collection collection;
  private final long targetFileBytes;
  private final boolean refreshIndexes;

  private Compaction(Collection collection, long targetFileBytes, boolean refreshIndexes) {
    this.collection = collection;
    this.targetFileBytes = targetFileBytes;
    this.refreshIndexes = refreshIndexes;
  }

  /** Compaction of {@code collection} with the table's target file size, indexes refreshed. */
  public static Compaction of(Collection collection) {
    if (collection.isExternal()) {
      throw LakebeamException.invalid(
          "Cannot compact external collection '%s': its files belong to you (%s); compact them"
              + " at the source and run refresh",
          collection.name(), collection.source());
    }
    long target =
        Long.parseLong(
            collection
                .table()
                .properties()
                .getOrDefault(
                    TableProperties.WRITE_TARGET_FILE_SIZE_BYTES,
                    Long.toString(DEFAULT_TARGET_FILE_BYTES)));
    return new Compaction(collection, target, true);
  }

  /**
   * Files below three quarters of {@code bytes} are compacted into files of up to {@code bytes}
   * (default: the table's {@code write.target-file-size-bytes}, else 128 MiB; at least 1 KiB).
   */
  public Compaction withTargetFileBytes(long bytes) {
    if (bytes < 1024) {
      throw LakebeamException.invalid(
          "Cannot compact to files of %d bytes: give at least 1024 (e.g. 128m)", bytes);
    }
    return new Compaction(collection, bytes, refreshIndexes);
  }

  /** Whether to refresh the vector indexes after the commit (default true). */
  public Compaction withIndexRefresh(boolean refresh) {
    return new Compaction(collection, targetFileBytes, refresh);
  }

  /**
   * What a compaction did.
   *
   * @param snapshotId the snapshot of the rewrite, or the unchanged current one when nothing was
   *     worth compacting
   * @param filesRewritten data files replaced
   * @param filesWritten data files that replace them
   * @param rowsWritten rows in the written files
   * @param deletedRowsApplied position-deleted rows left out of the written files
   * @param deleteFilesRemoved delete files that no longer apply to any live data file
   * @param bytesRewritten size of the replaced data files
   * @param bytesWritten size of the written files
   * @param attempts plans it took (more than one: others committed conflicting changes meanwhile)
   * @param indexes the index refreshes that followed (carried over, or rebuilt where not possible)
   */
  public record Result(
      long snapshotId,
      int filesRewritten,
      int filesWritten,
      long rowsWritten,
      long deletedRowsApplied,
      int deleteFilesRemoved,
      long bytesRewritten,
      long bytesWritten,
      int attempts,
      List<IndexService.BuildResult> indexes) {}

  /** Plans, writes and commits, planning again when a concurrent commit conflicts. */
  public Result run() {
    LakebeamException last = null;
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      CompactionPlan plan = plan();
      if (plan.isEmpty()) {
        return new Result(
            plan.baseSnapshotId(), 0, 0, 0, 0, 0, 0, 0, attempt, finishKilledRefresh());
      }
      try {
        plan.writeFiles();
        return finish(plan.commit(), attempt);
      } catch (CompactionPlan.Conflict e) {
        last =
            LakebeamException.invalid(
                "Cannot compact '%s': the table kept changing under the compaction (%s); nothing"
                    + " was committed, run compact again",
                collection.name(), e.getMessage());
        LOG.warn(
            "Compaction of {}: attempt {} conflicted, planning again: {}",
            collection.name(),
            attempt,
            e.getMessage());
      }
    }
    throw last;
  }

  /** The files worth compacting at the current snapshot, grouped into output files. */
  public CompactionPlan plan() {
    Table table = collection.refreshMetadata().table();
    Snapshot snapshot = table.currentSnapshot();
    if (snapshot == null) {
      return new CompactionPlan(collection, -1, List.of(), Set.of());
    }
    TableState state = TableState.of(table, snapshot.snapshotId());
    Map<String, List<DeleteFile>> deletesOf = new HashMap<>();
    Map<String, Set<String>> attachedTo = new HashMap<>();
    Map<String, DeleteFile> deleteFiles = new HashMap<>();
    try (CloseableIterable<FileScanTask> tasks =
        table.newScan().useSnapshot(snapshot.snapshotId()).planFiles()) {
      for (FileScanTask t : tasks) {
        String path = t.file().path().toString();
        deletesOf.put(path, t.deletes());
        for (DeleteFile d : t.deletes()) {
          deleteFiles.put(d.path().toString(), d);
          attachedTo.computeIfAbsent(d.path().toString(), k -> new HashSet<>()).add(path);
        }
      }
    } catch (IOException e) {
      throw LakebeamException.internal("Cannot plan the files of " + collection.name(), e);
    }
    Map<String, String> segments = IndexReferences.segmentKeys(table);
    Map<String, List<DataFile>> bySegment = new TreeMap<>();
    for (DataFile f : state.files().values()) {
      String path = f.path().toString();
      boolean small = f.fileSizeInBytes() < targetFileBytes * 3 / 4;
      if (small || state.deletedPositions(path) != null) {
        bySegment.computeIfAbsent(segments.getOrDefault(path, "-"), k -> new ArrayList<>()).add(f);
      }
    }
    List<List<DataFile>> groups = new ArrayList<>();
    for (List<DataFile> files : bySegment.values()) {
      files.sort(Comparator.comparing(f -> f.path().toString()));
      List<DataFile> group = new ArrayList<>();
      long bytes = 0;
      for (DataFile f : files) {
        if (!group.isEmpty() && bytes + f.fileSizeInBytes() > targetFileBytes) {
          addIfWorthIt(groups, group, state);
          group = new ArrayList<>();
          bytes = 0;
        }
        group.add(f);
        bytes += f.fileSizeInBytes();
      }
      addIfWorthIt(groups, group, state);
    }
    Set<String> rewritten = new HashSet<>();
    groups.forEach(g -> g.forEach(f -> rewritten.add(f.path().toString())));
    Set<DeleteFile> removable = new HashSet<>();
    attachedTo.forEach(
        (d, files) -> {
          if (rewritten.containsAll(files)) {
            removable.add(deleteFiles.get(d));
          }
        });
    return new CompactionPlan(collection, snapshot.snapshotId(), groups, removable);
  }

  /** A group is worth rewriting when it merges files or drops deleted rows. */
  private static void addIfWorthIt(
      List<List<DataFile>> groups, List<DataFile> group, TableState state) {
    if (group.size() > 1
        || (group.size() == 1 && state.deletedPositions(group.get(0).path().toString()) != null)) {
      groups.add(group);
    }
  }

  /**
   * When the current snapshot is a compaction's and an index is older, that compaction died before
   * its index refresh: refresh now, so a rerun finishes its work. An index left behind by other
   * writes is not this command's work.
   */
  private List<IndexService.BuildResult> finishKilledRefresh() {
    Table table = collection.table();
    Snapshot current = table.currentSnapshot();
    if (!refreshIndexes
        || current == null
        || !"compact".equals(current.summary().get(SUMMARY_KEY))
        || IndexReferences.pinnedSnapshots(table).values().stream()
            .allMatch(id -> id == current.snapshotId())) {
      return List.of();
    }
    LOG.info("Compaction of {}: refreshing the indexes a killed run left", collection.name());
    return collection.lakehouse().indexes().refresh(collection);
  }

  private Result finish(CompactionPlan.Committed c, int attempt) {
    List<IndexService.BuildResult> indexes = List.of();
    if (refreshIndexes && !IndexReferences.pinnedSnapshots(collection.table()).isEmpty()) {
      indexes = collection.lakehouse().indexes().refresh(collection);
    }
    return new Result(
        c.snapshotId(),
        c.filesRewritten(),
        c.filesWritten(),
        c.rowsWritten(),
        c.deletedRowsApplied(),
        c.deleteFilesRemoved(),
        c.bytesRewritten(),
        c.bytesWritten(),
        attempt,
        indexes);
  }
}
