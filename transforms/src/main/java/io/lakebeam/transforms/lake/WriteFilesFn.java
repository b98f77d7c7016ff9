package io.lakebeam.transforms.lake;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.CollectionWriter;
import io.lakebeam.transforms.FailedRecords;
import java.util.HashSet;
import java.util.Set;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.errorhandling.BadRecordRouter;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.iceberg.Schema;

/**
 * Writes each bundle's rows as Parquet data files of the target collection (a new file every {@code
 * rowsPerFile} rows) and emits them, not committed, when the bundle finishes. A failed bundle's
 * files are deleted on teardown; a retried bundle writes new files, and only the successful
 * attempt's files reach the commit.
 *
 * <p>Only bad records (a wrong dimension, a null required column, a value of the wrong type) go to
 * the bad-record output; an I/O or storage error fails the bundle, so the runner retries it instead
 * of dropping rows.
 *
 * <p>{@link ForBatches} takes the batches of {@code GroupIntoBatches} (the default); {@link
 * ForBundles} takes rows as they come, the way Beam's {@code WriteFiles} writes unsharded bundles,
 * for portable runners without the stateful-DoFn support {@code GroupIntoBatches} needs.
 */
abstract class WriteFilesFn<InputT> extends DoFn<InputT, WrittenFiles> {
  static final TupleTag<WrittenFiles> FILES = new TupleTag<>() {};

  private final LakeTarget target;
  private final String keyField;
  private final BadRecordRouter badRecords;
  private final int rowsPerFile;
  private final Counter written = Metrics.counter("lakebeam", "rows_written");
  private final Counter rejected = Metrics.counter("lakebeam", "rows_rejected");
  private transient Collection collection;
  private transient Schema schema;
  private transient CollectionWriter writer;
  private transient Set<String> keys;
  private transient RowDigest digest;

  WriteFilesFn(LakeTarget target, String keyField, BadRecordRouter badRecords, int rowsPerFile) {
    this.target = target;
    this.keyField = keyField;
    this.badRecords = badRecords;
    this.rowsPerFile = rowsPerFile;
  }

  @Setup
  public void setup() {
    collection = target.load();
    schema = collection.schema();
  }

  @StartBundle
  public void startBundle() {
    writer = null;
    keys = new HashSet<>();
    digest = new RowDigest();
  }

  /** Writes the rows of each {@code GroupIntoBatches} batch. */
  static final class ForBatches extends WriteFilesFn<KV<Integer, Iterable<Row>>> {
    ForBatches(LakeTarget target, String keyField, BadRecordRouter badRecords, int rowsPerFile) {
      super(target, keyField, badRecords, rowsPerFile);
    }

    @ProcessElement
    public void process(@Element KV<Integer, Iterable<Row>> batch, MultiOutputReceiver out)
        throws Exception {
      for (Row row : batch.getValue()) {
        write(row, out);
      }
    }
  }

  /** Writes rows as the bundle brings them, with no shuffle or state before it. */
  static final class ForBundles extends WriteFilesFn<Row> {
    ForBundles(LakeTarget target, String keyField, BadRecordRouter badRecords, int rowsPerFile) {
      super(target, keyField, badRecords, rowsPerFile);
    }

    @ProcessElement
    public void process(@Element Row row, MultiOutputReceiver out) throws Exception {
      write(row, out);
    }
  }

  final void write(Row row, MultiOutputReceiver out) throws Exception {
    try {
      if (writer == null) {
        writer = collection.newWriter().rollingEvery(rowsPerFile);
      }
      writer.write(RowRecords.toRecord(row, schema));
    } catch (LakebeamException | ClassCastException e) {
      if (e instanceof LakebeamException le
          && le.kind() != LakebeamException.Kind.INVALID_ARGUMENT) {
        throw le; // I/O or storage: fail the bundle so the runner retries it
      }
      rejected.inc();
      badRecords.route(
          out,
          FailedRecords.sourceOf(row),
          StringUtf8Coder.of(),
          e,
          "[write] Cannot write a row into " + target.collection() + ": " + e.getMessage());
      return;
    }
    written.inc();
    digest.add(row);
    if (keyField != null) {
      Object key = row.getValue(keyField);
      if (key != null) {
        keys.add(key.toString());
      }
    }
  }

  @FinishBundle
  public void finishBundle(FinishBundleContext c) {
    if (writer == null) {
      return;
    }
    WrittenFiles files =
        new WrittenFiles(writer.finishFiles(), Set.copyOf(keys), writer.rows(), digest);
    writer = null;
    c.output(FILES, files, GlobalWindow.INSTANCE.maxTimestamp(), GlobalWindow.INSTANCE);
  }

  @Teardown
  public void teardown() {
    if (writer != null) {
      writer.close();
      writer = null;
    }
  }
}
