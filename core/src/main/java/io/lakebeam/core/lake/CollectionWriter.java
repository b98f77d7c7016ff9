package io.lakebeam.core.lake;

import io.lakebeam.core.LakebeamException;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;

/**
 * Writes rows into a managed collection as Parquet data files, committed as one Iceberg snapshot by
 * {@link #commit()}. Closing without committing deletes what was written: a failed or broken write
 * never leaves a half-written table.
 *
 * <pre>{@code
 * try (CollectionWriter w = lake.collection("docs").newWriter()) {
 *   for (Record r : rows) w.write(r);
 *   long snapshot = w.commit();
 * }
 * }</pre>
 *
 * <p>Not thread-safe: one writer per thread.
 */
public final class CollectionWriter implements Closeable {
  /** Rows per data file before the writer rolls to a new file. */
  public static final long ROWS_PER_FILE = 500_000;

  private final Collection collection;
  private final Table table;
  private final Map<String, VectorField> vectors;
  private final List<Types.NestedField> requiredFields;
  private final List<DataFile> written = new ArrayList<>();
  private DataWriter<Record> current;
  private long rowsPerFile = ROWS_PER_FILE;
  private long rowsInFile;
  private long rows;
  private boolean committed;

  CollectionWriter(Collection collection) {
    this.collection = collection;
    this.table = collection.table();
    this.vectors = collection.vectorFields();
    this.requiredFields =
        table.schema().columns().stream().filter(Types.NestedField::isRequired).toList();
  }

  /**
   * Rolls to a new data file after {@code rows} rows (default {@link #ROWS_PER_FILE}); returns this
   * writer.
   */
  public CollectionWriter rollingEvery(long rows) {
    if (rows < 1) {
      throw LakebeamException.invalid("Cannot roll data files every %d rows: give 1 or more", rows);
    }
    this.rowsPerFile = rows;
    return this;
  }

  /** Validates and writes one row; fails with INVALID_ARGUMENT naming the row and the column. */
  public void write(Record record) {
    check(record);
    try {
      if (current == null) {
        current = open();
      }
      current.write(record);
      rows++;
      if (++rowsInFile >= rowsPerFile) {
        roll();
      }
    } catch (IOException e) {
      throw LakebeamException.internal("Cannot write to " + collection.name(), e);
    }
  }

  private void check(Record record) {
    for (VectorField v : vectors.values()) {
      Object value = record.getField(v.name());
      if (value instanceof List<?> list) {
        if (list.size() != v.dimension()) {
          throw LakebeamException.invalid(
              "Cannot insert row %d: vector '%s' has dimension %d, but collection '%s' expects %d",
              rows, v.name(), list.size(), collection.name(), v.dimension());
        }
        for (Object x : list) {
          if (x == null || !Float.isFinite(((Number) x).floatValue())) {
            throw LakebeamException.invalid(
                "Cannot insert row %d: vector '%s' holds a null, NaN or infinite element",
                rows, v.name());
          }
        }
      }
    }
    for (Types.NestedField f : requiredFields) {
      if (record.getField(f.name()) == null) {
        throw LakebeamException.invalid(
            "Cannot insert row %d: column '%s' is required but null", rows, f.name());
      }
    }
  }

  private DataWriter<Record> open() throws IOException {
    String path = table.locationProvider().newDataLocation(UUID.randomUUID() + ".parquet");
    OutputFile out = table.io().newOutputFile(path);
    return Parquet.writeData(out)
        .schema(table.schema())
        .createWriterFunc(GenericParquetWriter::buildWriter)
        .withSpec(PartitionSpec.unpartitioned())
        .setAll(table.properties())
        .metricsConfig(org.apache.iceberg.MetricsConfig.forTable(table))
        .overwrite()
        .build();
  }

  private void roll() throws IOException {
    if (current != null) {
      current.close();
      written.add(current.toDataFile());
      current = null;
      rowsInFile = 0;
    }
  }

  /** Rows written so far. */
  public long rows() {
    return rows;
  }

  /** Commits every row written as one snapshot and returns its id (-1 if nothing was written). */
  public long commit() {
    try {
      roll();
    } catch (IOException e) {
      throw LakebeamException.internal("Cannot finish data file of " + collection.name(), e);
    }
    committed = true;
    if (written.isEmpty()) {
      return collection.snapshotId();
    }
    AppendFiles append = table.newAppend();
    written.forEach(append::appendFile);
    append.commit();
    return table.currentSnapshot().snapshotId();
  }

  /**
   * Closes the open file and hands every written data file to the caller, who commits them (for
   * example with {@link io.lakebeam.core.write.KeyedCommit}) or deletes them. After this call the
   * writer no longer deletes the files on {@link #close()}.
   */
  public List<DataFile> finishFiles() {
    try {
      roll();
    } catch (IOException e) {
      throw LakebeamException.internal("Cannot finish data file of " + collection.name(), e);
    }
    committed = true;
    return List.copyOf(written);
  }

  /** Data files written so far. */
  public int dataFiles() {
    return written.size();
  }

  @Override
  public void close() {
    if (committed) {
      return;
    }
    try {
      if (current != null) {
        current.close();
        written.add(current.toDataFile());
      }
    } catch (IOException | RuntimeException ignored) {
      // the file is deleted below either way
    }
    for (DataFile f : written) {
      try {
        table.io().deleteFile(f.path().toString());
      } catch (RuntimeException ignored) {
        // an orphan file is harmless: no snapshot references it
      }
    }
    written.clear();
  }
}
