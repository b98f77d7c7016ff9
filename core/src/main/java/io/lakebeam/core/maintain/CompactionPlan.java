package io.lakebeam.core.maintain;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.read.DataFileReader;
import io.lakebeam.core.read.TableState;
import io.lakebeam.core.write.RewriteLineage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.parquet.Parquet;

/**
 * One planned compaction at a base snapshot: groups of data files, each rewritten into one file
 * ({@link #writeFiles()}), then swapped in one validated {@code RewriteFiles} commit ({@link
 * #commit()}). Until the commit the written files are referenced by nothing (orphan removal deletes
 * them if the process dies). Not thread-safe; use once.
 *
 * <pre>{@code
 * CompactionPlan plan = Compaction.of(chunks).plan();
 * plan.writeFiles();
 * plan.commit(); // throws CompactionPlan.Conflict when a concurrent commit touched the same files
 * }</pre>
 */
public final class CompactionPlan {
  /** A concurrent commit changed files of the plan: nothing was committed; plan again. */
  public static final class Conflict extends RuntimeException {
    Conflict(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** What the commit swapped. */
  record Committed(
      long snapshotId,
      int filesRewritten,
      int filesWritten,
      long rowsWritten,
      long deletedRowsApplied,
      int deleteFilesRemoved,
      long bytesRewritten,
      long bytesWritten) {}

  private final Collection collection;
  private final long baseSnapshotId;
  private final List<List<DataFile>> groups;
  private final Set<DeleteFile> removableDeletes;
  private final List<DataFile> written = new ArrayList<>();
  private final List<RewriteLineage.Entry> lineage = new ArrayList<>();
  private long deletedRows;
  private int groupsWritten;

  CompactionPlan(
      Collection collection,
      long baseSnapshotId,
      List<List<DataFile>> groups,
      Set<DeleteFile> removableDeletes) {
    this.collection = collection;
    this.baseSnapshotId = baseSnapshotId;
    this.groups = groups;
    this.removableDeletes = removableDeletes;
  }

  public long baseSnapshotId() {
    return baseSnapshotId;
  }

  /** Whether nothing is worth compacting. */
  public boolean isEmpty() {
    return groups.isEmpty();
  }

  /** Data files the plan rewrites. */
  public int inputFiles() {
    return groups.stream().mapToInt(List::size).sum();
  }

  /** Writes one file per group, leaving out the rows deleted at the base snapshot. */
  public void writeFiles() {
    Table table = collection.table();
    TableState state = TableState.of(table, baseSnapshotId);
    Schema schema = table.schema();
    for (List<DataFile> group : groups) {
      String target = table.locationProvider().newDataLocation(UUID.randomUUID() + ".parquet");
      DataWriter<Record> writer = null;
      try {
        writer =
            Parquet.writeData(table.io().newOutputFile(target))
                .schema(schema)
                .createWriterFunc(GenericParquetWriter::buildWriter)
                .withSpec(PartitionSpec.unpartitioned())
                .setAll(table.properties())
                .metricsConfig(MetricsConfig.forTable(table))
                .overwrite()
                .build();
        long offset = 0;
        for (DataFile source : group) {
          String path = source.path().toString();
          BitSet deleted = state.deletedPositions(path);
          long pos = 0;
          try (CloseableIterable<Record> rows = DataFileReader.read(table, path, schema)) {
            for (Record row : rows) {
              if (deleted == null || !deleted.get(Math.toIntExact(pos))) {
                writer.write(row);
              }
              pos++;
            }
          }
          int[] dropped = deleted == null ? new int[0] : deleted.stream().toArray();
          lineage.add(new RewriteLineage.Entry(path, target, pos, dropped, offset));
          offset += pos - dropped.length;
          deletedRows += dropped.length;
        }
        writer.close();
        DataFile out = writer.toDataFile();
        if (out.recordCount() > 0) {
          written.add(out);
        } else {
          table.io().deleteFile(target); // every row of the group was deleted
        }
        groupsWritten++;
      } catch (IOException | RuntimeException e) {
        closeQuietly(writer);
        table.io().deleteFile(target);
        abandon();
        throw e instanceof LakebeamException le
            ? le
            : LakebeamException.internal(
                "Cannot compact " + collection.name() + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * Swaps the written files in, validated against the base snapshot: rows appended since are kept;
   * a concurrent delete, rewrite or removal of a rewritten file fails the commit.
   *
   * @throws Conflict when another commit touched the rewritten files (the written files are
   *     deleted; plan again)
   */
  Committed commit() {
    if (groupsWritten != groups.size()) {
      throw new IllegalStateException("writeFiles() first");
    }
    Table table = collection.table();
    String lineagePath =
        new RewriteLineage(baseSnapshotId, List.of(), List.copyOf(lineage)).write(table);
    long bytesIn = 0;
    try {
      RewriteFiles swap =
          table
              .newRewrite()
              .validateFromSnapshot(baseSnapshotId)
              .dataSequenceNumber(table.snapshot(baseSnapshotId).sequenceNumber());
      for (List<DataFile> group : groups) {
        for (DataFile f : group) {
          swap.deleteFile(f);
          bytesIn += f.fileSizeInBytes();
        }
      }
      written.forEach(swap::addFile);
      removableDeletes.forEach(swap::deleteFile);
      swap.set(RewriteLineage.SUMMARY_KEY, lineagePath);
      swap.set(Compaction.SUMMARY_KEY, "compact");
      swap.commit();
    } catch (ValidationException | CommitFailedException e) {
      abandon();
      table.io().deleteFile(lineagePath);
      throw new Conflict(e.getMessage(), e);
    }
    table.refresh();
    return new Committed(
        table.currentSnapshot().snapshotId(),
        inputFiles(),
        written.size(),
        written.stream().mapToLong(DataFile::recordCount).sum(),
        deletedRows,
        removableDeletes.size(),
        bytesIn,
        written.stream().mapToLong(DataFile::fileSizeInBytes).sum());
  }

  /** Deletes the files written so far. */
  private void abandon() {
    Table table = collection.table();
    for (DataFile f : written) {
      try {
        table.io().deleteFile(f.path().toString());
      } catch (RuntimeException ignored) {
        // an unreferenced file: orphan removal (maintain gc) deletes it later
      }
    }
  }

  private static void closeQuietly(DataWriter<Record> writer) {
    if (writer == null) {
      return;
    }
    try {
      writer.close();
    } catch (IOException | RuntimeException ignored) {
      // the file is deleted next
    }
  }
}
