package io.lakebeam.core.read;

import io.lakebeam.core.LakebeamException;
import java.io.IOException;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DeleteSchemaUtil;
import org.apache.iceberg.parquet.Parquet;

/**
 * What a table holds at one snapshot: its live data files and, per file, the row positions that
 * position deletes remove. Immutable; built once per snapshot and shared.
 */
public final class TableState {
  private final long snapshotId;
  private final Map<String, DataFile> files;
  private final Map<String, BitSet> deleted;

  private TableState(long snapshotId, Map<String, DataFile> files, Map<String, BitSet> deleted) {
    this.snapshotId = snapshotId;
    this.files = files;
    this.deleted = deleted;
  }

  /** Plans the table's current snapshot. */
  public static TableState of(Table table) {
    Snapshot current = table.currentSnapshot();
    return of(table, current == null ? -1 : current.snapshotId());
  }

  /** Plans one snapshot of the table (-1: the empty table). */
  public static TableState of(Table table, long snapshotId) {
    Snapshot snapshot = snapshotId < 0 ? null : table.snapshot(snapshotId);
    if (snapshotId >= 0 && snapshot == null) {
      throw LakebeamException.notFound(
          "Snapshot %d of %s no longer exists (expired?); plan the read again",
          snapshotId, table.name());
    }
    if (snapshot == null) {
      return new TableState(-1, Map.of(), Map.of());
    }
    Map<String, DataFile> files = new LinkedHashMap<>();
    Map<String, BitSet> deleted = new HashMap<>();
    Map<String, DeleteFile> deleteFiles = new HashMap<>();
    try (CloseableIterable<FileScanTask> tasks =
        // with column stats: filters prune data files by their bounds
        table.newScan().useSnapshot(snapshot.snapshotId()).includeColumnStats().planFiles()) {
      for (FileScanTask task : tasks) {
        files.put(task.file().path().toString(), task.file());
        for (DeleteFile d : task.deletes()) {
          if (d.content() == FileContent.EQUALITY_DELETES) {
            throw LakebeamException.invalid(
                "Cannot serve table %s: it has equality deletes, which Lakebeam does not apply"
                    + " yet; rewrite its data files (e.g. Spark rewrite_data_files) first",
                table.name());
          }
          deleteFiles.put(d.path().toString(), d);
        }
      }
    } catch (IOException e) {
      throw LakebeamException.internal("Cannot plan " + table.name(), e);
    }
    for (DeleteFile d : deleteFiles.values()) {
      readPositionDeletes(table, d, files, deleted);
    }
    return new TableState(
        snapshot.snapshotId(),
        Collections.unmodifiableMap(files),
        Collections.unmodifiableMap(deleted));
  }

  private static void readPositionDeletes(
      Table table, DeleteFile d, Map<String, DataFile> live, Map<String, BitSet> deleted) {
    var schema = DeleteSchemaUtil.pathPosSchema();
    try (CloseableIterable<Record> rows =
        Parquet.read(table.io().newInputFile(d.path().toString()))
            .project(schema)
            .createReaderFunc(fs -> GenericParquetReaders.buildReader(schema, fs))
            .build()) {
      for (Record r : rows) {
        String path = r.get(0).toString();
        if (live.containsKey(path)) {
          deleted.computeIfAbsent(path, p -> new BitSet()).set(Math.toIntExact((Long) r.get(1)));
        }
      }
    } catch (IOException e) {
      throw LakebeamException.internal("Cannot read delete file " + d.path(), e);
    }
  }

  public long snapshotId() {
    return snapshotId;
  }

  /** Live data files by path, in a stable order. */
  public Map<String, DataFile> files() {
    return files;
  }

  public boolean isLive(String path) {
    return files.containsKey(path);
  }

  /** Whether the row at a position of a live file was deleted by a position delete. */
  public boolean isDeleted(String path, int pos) {
    BitSet b = deleted.get(path);
    return b != null && b.get(pos);
  }

  /** Deleted positions of a file, or null when none. */
  public BitSet deletedPositions(String path) {
    return deleted.get(path);
  }

  /** Rows in the live data files, position-deleted rows included. */
  public long rowCount() {
    return files.values().stream().mapToLong(DataFile::recordCount).sum();
  }

  /** Rows a reader sees: {@link #rowCount()} minus position-deleted rows. */
  public long liveRowCount() {
    return rowCount() - deleted.values().stream().mapToLong(BitSet::cardinality).sum();
  }

  public List<String> paths() {
    return List.copyOf(files.keySet());
  }
}
