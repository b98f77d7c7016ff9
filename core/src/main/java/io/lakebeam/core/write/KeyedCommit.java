package io.lakebeam.core.write;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.read.TableState;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.RowDelta;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Expressions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits data files that were written elsewhere (by Beam workers, for example) as one Iceberg
 * snapshot, optionally replacing every existing row whose key is among the new rows' keys.
 *
 * <p>Replacement is Iceberg-native: the old rows are removed with position deletes in the same
 * {@code RowDelta} that adds the new files, so readers see the old rows or the new rows, never both
 * and never neither. Concurrent writers are detected with Iceberg's conflict validation (filtered
 * on the replaced keys) and the commit is re-planned on the new table state.
 *
 * <p>Every commit carries a write id in its snapshot summary; committing the same write id again (a
 * retried bundle, a restarted job, an insert retried after a lost acknowledgement) is a no-op, so
 * retries never duplicate rows. The check is atomic with the commit: commits to one table are
 * serialised within this JVM, and a commit that finds data files added by another process since it
 * looked for its write id fails Iceberg's validation and looks again.
 *
 * <pre>{@code
 * KeyedCommit.Result r =
 *     KeyedCommit.into(lake.collection("corpus.chunks"))
 *         .replacingKeys("doc_id", Set.of("a1b2", "c3d4"))
 *         .commit("ingest-2026-11-26-0001", dataFiles);
 * }</pre>
 */
public final class KeyedCommit {
  /** Snapshot summary property holding the write id. */
  public static final String WRITE_ID = "lakebeam.write-id";

  private static final Logger LOG = LoggerFactory.getLogger(KeyedCommit.class);
  private static final int MAX_ATTEMPTS = 8;

  /** One lock per table location: commits of one JVM to one table check and commit in turn. */
  private static final ConcurrentHashMap<String, Object> TABLE_LOCKS = new ConcurrentHashMap<>();

  private final Collection collection;
  private final String keyColumn;
  private final Set<String> keys;

  private KeyedCommit(Collection collection, String keyColumn, Set<String> keys) {
    this.collection = collection;
    this.keyColumn = keyColumn;
    this.keys = keys;
  }

  /** A plain append into {@code collection}. */
  public static KeyedCommit into(Collection collection) {
    return new KeyedCommit(Objects.requireNonNull(collection, "collection"), null, Set.of());
  }

  /** Also removes every existing row whose {@code keyColumn} value is in {@code replacedKeys}. */
  public KeyedCommit replacingKeys(String column, Set<String> replacedKeys) {
    collection.checkColumns(List.of(column));
    return new KeyedCommit(collection, column, Set.copyOf(replacedKeys));
  }

  /** What one commit did. */
  public record Result(
      long snapshotId, int addedFiles, int replacedRows, boolean alreadyCommitted) {}

  /**
   * Commits {@code files} under {@code writeId}; returns the snapshot that holds them.
   *
   * @throws LakebeamException INTERNAL when the table keeps changing under the commit
   */
  public Result commit(String writeId, List<DataFile> files) {
    Table table = collection.table();
    synchronized (TABLE_LOCKS.computeIfAbsent(table.location(), k -> new Object())) {
      return commitLocked(table, writeId, files);
    }
  }

  private Result commitLocked(Table table, String writeId, List<DataFile> files) {
    LakebeamException last = null;
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      table.refresh();
      Snapshot landed = findWrite(table, writeId);
      if (landed != null) {
        LOG.info(
            "Write {} is already committed to {} as snapshot {}",
            writeId,
            collection.name(),
            landed.snapshotId());
        return new Result(landed.snapshotId(), files.size(), 0, true);
      }
      Snapshot base = table.currentSnapshot();
      List<DeleteFile> deletes = new ArrayList<>();
      int replaced = 0;
      try {
        if (keyColumn != null && !keys.isEmpty() && base != null) {
          PositionDeletePlanner planner =
              new PositionDeletePlanner(
                  table, TableState.of(table, base.snapshotId()), keyColumn, keys);
          deletes = planner.writeDeletes();
          replaced = planner.deletedRows();
        }
        RowDelta delta = table.newRowDelta();
        files.forEach(delta::addRows);
        deletes.forEach(delta::addDeletes);
        delta.set(WRITE_ID, writeId);
        if (base != null) {
          delta.validateFromSnapshot(base.snapshotId());
          if (keyColumn == null || keys.isEmpty()) {
            // another process may have committed this write id since findWrite looked
            delta.validateNoConflictingDataFiles();
          } else {
            delta
                .conflictDetectionFilter(Expressions.in(keyColumn, keys.toArray()))
                .validateNoConflictingDataFiles()
                .validateNoConflictingDeleteFiles()
                .validateDeletedFiles();
          }
        }
        delta.commit();
        long id = table.currentSnapshot().snapshotId();
        return new Result(id, files.size(), replaced, false);
      } catch (ValidationException | CommitFailedException e) {
        deletes.forEach(d -> deleteQuietly(table, d.path().toString()));
        last =
            LakebeamException.internal(
                "Cannot commit write "
                    + writeId
                    + " to "
                    + collection.name()
                    + ": the table kept changing under it ("
                    + e.getMessage()
                    + "); run the job again",
                e);
        LOG.warn(
            "Commit attempt {} of write {} to {} conflicted: {}",
            attempt,
            writeId,
            collection.name(),
            e.getMessage());
      }
    }
    throw last;
  }

  /** The snapshot of the current branch that committed {@code writeId}, or null. */
  public static Snapshot findWrite(Table table, String writeId) {
    for (Snapshot s = table.currentSnapshot(); s != null; s = parent(table, s)) {
      if (writeId.equals(s.summary().get(WRITE_ID))) {
        return s;
      }
    }
    return null;
  }

  private static Snapshot parent(Table table, Snapshot s) {
    return s.parentId() == null ? null : table.snapshot(s.parentId());
  }

  private static void deleteQuietly(Table table, String path) {
    try {
      table.io().deleteFile(path);
    } catch (RuntimeException ignored) {
      // an unreferenced delete file is harmless
    }
  }
}
