package io.lakebeam.core.write;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.read.DataFileReader;
import io.lakebeam.core.read.TableState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SchemaParser;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.UpdateProperties;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes computed columns back into the rows of a managed collection, Iceberg-natively: every live
 * data file of a base snapshot is rewritten with the new column values (copy-on-write), and one
 * transaction adds the columns to the schema and swaps the files. Readers see the old table or the
 * new one, never a mix; the base snapshot stays readable (time travel); rows appended by others
 * after the base snapshot are kept (their new columns read as null).
 *
 * <pre>{@code
 * ColumnRewrite rewrite = ColumnRewrite.plan(chunks, Map.of("cluster_id", Types.IntegerType.get()));
 * DataFile rewritten = rewrite.rewrite(path, Map.of(0L, new Object[] {7}));   // once per file
 * rewrite.commit("cluster-run-1", Map.of(path, rewritten), Map.of());
 * }</pre>
 *
 * <p>Rewriting files is safe to repeat or abandon: until {@link #commit} the new files are not
 * referenced by any snapshot. Thread-safe: files may be rewritten concurrently.
 */
public final class ColumnRewrite {
  private static final Logger LOG = LoggerFactory.getLogger(ColumnRewrite.class);
  private static final int MAX_ATTEMPTS = 8;

  private final Collection collection;
  private final long baseSnapshotId;
  private final Schema target;
  private final List<String> columns;

  private ColumnRewrite(
      Collection collection, long baseSnapshotId, Schema target, List<String> columns) {
    this.collection = collection;
    this.baseSnapshotId = baseSnapshotId;
    this.target = target;
    this.columns = List.copyOf(columns);
  }

  /**
   * Plans writing {@code columns} (name to Iceberg type, in order) at the collection's current
   * snapshot: columns that exist keep their id and must have the same type; new ones are added as
   * optional columns.
   */
  public static ColumnRewrite plan(Collection collection, Map<String, Type> columns) {
    if (collection.isExternal()) {
      throw LakebeamException.invalid(
          "Cannot write columns back into external collection '%s': its files belong to you (%s);"
              + " write the results to a managed collection instead",
          collection.name(), collection.source());
    }
    Table table = collection.refreshMetadata().table();
    if (table.currentSnapshot() == null) {
      throw LakebeamException.invalid(
          "Cannot write columns back into '%s': it has no rows yet", collection.name());
    }
    UpdateSchema update = table.updateSchema();
    boolean adds = false;
    for (Map.Entry<String, Type> c : columns.entrySet()) {
      Types.NestedField existing = table.schema().findField(c.getKey());
      if (existing == null) {
        update.addColumn(c.getKey(), c.getValue());
        adds = true;
      } else if (!existing.type().toString().equals(c.getValue().toString())) {
        throw LakebeamException.invalid(
            "Cannot write column '%s' of type %s into '%s': the column exists with type %s;"
                + " write to a new column name",
            c.getKey(), c.getValue(), collection.name(), existing.type());
      }
    }
    Schema target = adds ? update.apply() : table.schema();
    return new ColumnRewrite(
        collection,
        table.currentSnapshot().snapshotId(),
        target,
        new ArrayList<>(columns.keySet()));
  }

  /**
   * Re-creates a plan on a worker from {@link #baseSnapshotId()} and {@link #targetSchemaJson()}.
   */
  public static ColumnRewrite resume(
      Collection collection, long baseSnapshotId, String targetSchemaJson, List<String> columns) {
    return new ColumnRewrite(
        collection, baseSnapshotId, SchemaParser.fromJson(targetSchemaJson), columns);
  }

  public long baseSnapshotId() {
    return baseSnapshotId;
  }

  public String targetSchemaJson() {
    return SchemaParser.toJson(target);
  }

  /** The written columns, in order. */
  public List<String> columns() {
    return columns;
  }

  /** The live data files of the base snapshot: each must be rewritten once before the commit. */
  public List<String> baseFiles() {
    return TableState.of(collection.table(), baseSnapshotId).paths();
  }

  /**
   * Writes a copy of data file {@code path} without its deleted rows, with the written columns set
   * from {@code valuesByPosition} (row position in the old file to the values of {@link
   * #columns()}; rows without an entry get nulls). Returns the new, not yet committed file.
   */
  public DataFile rewrite(String path, Map<Long, Object[]> valuesByPosition) {
    Table table = collection.table();
    TableState state = TableState.of(table, baseSnapshotId);
    if (!state.isLive(path)) {
      throw LakebeamException.invalid(
          "Cannot write columns back into '%s': data file %s is not in snapshot %d; read and"
              + " write back in the same pipeline",
          collection.name(), path, baseSnapshotId);
    }
    BitSet deleted = state.deletedPositions(path);
    int[] columnIndex = new int[columns.size()];
    for (int i = 0; i < columnIndex.length; i++) {
      columnIndex[i] = target.columns().indexOf(target.findField(columns.get(i)));
    }
    String newPath = table.locationProvider().newDataLocation(UUID.randomUUID() + ".parquet");
    DataWriter<Record> writer = null;
    try (CloseableIterable<Record> rows = DataFileReader.read(table, path, target)) {
      writer = open(table, newPath);
      long pos = 0;
      for (Record row : rows) {
        if (deleted == null || !deleted.get((int) pos)) {
          Object[] values = valuesByPosition.get(pos);
          for (int i = 0; i < columnIndex.length; i++) {
            row.set(columnIndex[i], values == null ? null : values[i]);
          }
          writer.write(row);
        }
        pos++;
      }
      writer.close();
      return writer.toDataFile();
    } catch (IOException | RuntimeException e) {
      if (writer != null) {
        try {
          writer.close();
        } catch (IOException | RuntimeException ignored) {
          // deleted below
        }
        table.io().deleteFile(newPath);
      }
      throw e instanceof LakebeamException le
          ? le
          : LakebeamException.internal(
              "Cannot rewrite " + path + " of " + collection.name() + ": " + e.getMessage(), e);
    }
  }

  private DataWriter<Record> open(Table table, String path) throws IOException {
    return Parquet.writeData(table.io().newOutputFile(path))
        .schema(target)
        .createWriterFunc(GenericParquetWriter::buildWriter)
        .withSpec(PartitionSpec.unpartitioned())
        .setAll(table.properties())
        .metricsConfig(MetricsConfig.forTable(table))
        .overwrite()
        .build();
  }

  /** What a commit did. */
  public record Result(
      long snapshotId, int rewrittenFiles, List<String> addedColumns, boolean alreadyCommitted) {}

  /**
   * Atomically adds the new columns, sets {@code properties} and replaces each old file by its
   * rewrite, under {@code writeId} (a repeated commit of the same id is a no-op). Retries when
   * others committed meanwhile; rows they appended are kept.
   *
   * @throws LakebeamException INVALID_ARGUMENT when rows of the rewritten files were deleted or
   *     replaced after the base snapshot, or the schema changed: nothing is committed, re-run
   */
  public Result commit(
      String writeId, Map<String, DataFile> rewritten, Map<String, String> properties) {
    Table table = collection.table();
    List<String> missing = new ArrayList<>(baseFiles());
    missing.removeAll(rewritten.keySet());
    if (!missing.isEmpty()) {
      throw LakebeamException.invalid(
          "Cannot commit columns into '%s': %d data files of snapshot %d were not rewritten (%s)",
          collection.name(), missing.size(), baseSnapshotId, missing.get(0));
    }
    CommitFailedException last = null;
    String lineagePath = null;
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      table.refresh();
      Snapshot landed = KeyedCommit.findWrite(table, writeId);
      if (landed != null) {
        return new Result(landed.snapshotId(), rewritten.size(), List.of(), true);
      }
      if (lineagePath == null) {
        lineagePath = lineage(rewritten).write(table);
      }
      try {
        Transaction tx = table.newTransaction();
        List<String> added = addColumns(tx);
        if (!properties.isEmpty()) {
          UpdateProperties props = tx.updateProperties();
          properties.forEach(props::set);
          props.commit();
        }
        RewriteFiles swap = tx.newRewrite().validateFromSnapshot(baseSnapshotId);
        Map<String, DataFile> old = TableState.of(table, baseSnapshotId).files();
        rewritten.forEach(
            (path, file) -> {
              swap.deleteFile(old.get(path));
              swap.addFile(file);
            });
        swap.set(KeyedCommit.WRITE_ID, writeId);
        swap.set(RewriteLineage.SUMMARY_KEY, lineagePath);
        swap.commit();
        tx.commitTransaction();
        return new Result(table.currentSnapshot().snapshotId(), rewritten.size(), added, false);
      } catch (ValidationException e) {
        throw LakebeamException.invalid(
            "Cannot write columns %s back into '%s': the table changed under the job (%s); nothing"
                + " was committed, run the job again on the new snapshot",
            columns, collection.name(), e.getMessage());
      } catch (CommitFailedException e) {
        last = e;
        LOG.warn(
            "Column write-back {} to {}: commit attempt {} conflicted, retrying: {}",
            writeId,
            collection.name(),
            attempt,
            e.getMessage());
      }
    }
    throw LakebeamException.internal(
        "Cannot commit write " + writeId + " to " + collection.name() + ": it kept conflicting",
        last);
  }

  /**
   * Where each rewritten file's rows come from: {@link #rewrite} keeps every row of the source in
   * order except those deleted at the base snapshot. A file whose row count does not add up is left
   * out (its rows will be indexed afresh).
   */
  private RewriteLineage lineage(Map<String, DataFile> rewritten) {
    TableState base = TableState.of(collection.table(), baseSnapshotId);
    List<RewriteLineage.Entry> entries = new ArrayList<>();
    rewritten.forEach(
        (path, file) -> {
          DataFile source = base.files().get(path);
          if (source == null) {
            return; // not a base file: the commit refuses it
          }
          BitSet deleted = base.deletedPositions(path);
          int[] dropped = deleted == null ? new int[0] : deleted.stream().toArray();
          RewriteLineage.Entry e =
              new RewriteLineage.Entry(path, file.path().toString(), source.recordCount(), dropped);
          if (e.targetRows() == file.recordCount()) {
            entries.add(e);
          } else {
            LOG.warn(
                "Rewrite of {} holds {} rows, expected {}: no lineage recorded for it",
                path,
                file.recordCount(),
                e.targetRows());
          }
        });
    return new RewriteLineage(baseSnapshotId, columns, entries);
  }

  private List<String> addColumns(Transaction tx) {
    Schema current = tx.table().schema();
    List<Types.NestedField> missing =
        target.columns().stream().filter(f -> current.findField(f.name()) == null).toList();
    List<String> added = missing.stream().map(Types.NestedField::name).toList();
    if (added.isEmpty()) {
      return added;
    }
    UpdateSchema update = tx.updateSchema();
    missing.forEach(f -> update.addColumn(f.name(), f.type()));
    update.commit();
    Schema evolved = tx.table().schema();
    Map<String, Integer> ids = new LinkedHashMap<>();
    for (String name : added) {
      if (evolved.findField(name).fieldId() != target.findField(name).fieldId()) {
        ids.put(name, evolved.findField(name).fieldId());
      }
    }
    if (!ids.isEmpty()) {
      throw new ValidationException(
          "the schema changed meanwhile: columns %s got ids %s, the rewritten files use others",
          added, ids);
    }
    return added;
  }
}
