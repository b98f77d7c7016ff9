package io.lakebeam.transforms.lake;

import static com.google.common.base.Preconditions.checkArgument;

import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import io.lakebeam.transforms.BadRecords;
import java.util.UUID;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.GroupIntoBatches;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.transforms.errorhandling.BadRecordRouter;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Writes rows into a Lakebeam collection as one atomic Iceberg commit; see {@link Lake#write}.
 * Returns one summary row per commit ({@code collection, snapshot_id, rows, files, replaced_rows,
 * already_committed}), which later steps can wait on.
 */
public final class LakeWrite extends PTransform<PCollection<Row>, PCollection<Row>> {
  /** Parallel writers; each writes batches of rows as data files. */
  static final int SHARDS = 4;

  /** Rows per data file by default. */
  static final int DEFAULT_ROWS_PER_FILE = 20_000;

  private final transient Lakehouse lakehouse;
  private final String collection;
  private final String replaceKey;
  private final Metric metric;
  private final ErrorHandler<BadRecord, ?> badRecords;
  private final int rowsPerFile;
  private final String writeId;
  private final boolean bundleBatching;

  LakeWrite(
      Lakehouse lakehouse,
      String collection,
      String replaceKey,
      Metric metric,
      ErrorHandler<BadRecord, ?> badRecords,
      int rowsPerFile) {
    this(lakehouse, collection, replaceKey, metric, badRecords, rowsPerFile, null, false);
  }

  private LakeWrite(
      Lakehouse lakehouse,
      String collection,
      String replaceKey,
      Metric metric,
      ErrorHandler<BadRecord, ?> badRecords,
      int rowsPerFile,
      String writeId,
      boolean bundleBatching) {
    this.writeId = writeId;
    this.bundleBatching = bundleBatching;
    this.lakehouse = lakehouse;
    this.rowsPerFile = rowsPerFile;
    this.collection = collection;
    this.replaceKey = replaceKey;
    this.metric = metric;
    this.badRecords = badRecords;
  }

  /**
   * Makes every row replace the existing rows that have the same value in {@code keyField} (for
   * example {@code doc_id}: a changed document's chunks replace its old chunks), in the same
   * commit. Default: plain append.
   */
  public LakeWrite withReplaceKey(String keyField) {
    checkArgument(
        keyField != null && !keyField.isBlank(), "Cannot replace by a blank key: %s", keyField);
    return new LakeWrite(
        lakehouse, collection, keyField, metric, badRecords, rowsPerFile, writeId, bundleBatching);
  }

  /** The metric of vector columns when the collection is created here. Default: cosine. */
  public LakeWrite withMetric(Metric newMetric) {
    checkArgument(newMetric != null, "Cannot use a null metric");
    return new LakeWrite(
        lakehouse,
        collection,
        replaceKey,
        newMetric,
        badRecords,
        rowsPerFile,
        writeId,
        bundleBatching);
  }

  /**
   * Sends rows that cannot be written (a wrong vector dimension, a null required column) to {@code
   * handler} with the reason, instead of failing the pipeline.
   */
  public LakeWrite withBadRecordErrorHandler(ErrorHandler<BadRecord, ?> handler) {
    checkArgument(handler != null, "Cannot use a null error handler");
    return new LakeWrite(
        lakehouse, collection, replaceKey, metric, handler, rowsPerFile, writeId, bundleBatching);
  }

  /**
   * Most rows per data file (rows are batched per writer until this many or the input ends).
   * Default 20,000; 1 to 10,000,000.
   */
  public LakeWrite withRowsPerFile(int rows) {
    checkArgument(rows >= 1 && rows <= 10_000_000, "Cannot write %s rows per file", rows);
    return new LakeWrite(
        lakehouse, collection, replaceKey, metric, badRecords, rows, writeId, bundleBatching);
  }

  /**
   * Names this write: the commit records {@code id} in its snapshot summary, and a run whose id is
   * already committed commits nothing. Default: without a replace key, an id derived from the rows
   * themselves (so a rerun of the job over the same input is a no-op; give a new id to append the
   * same rows again on purpose); with a replace key, a fresh id per pipeline (a rerun replaces rows
   * by the same rows). 1 to 200 printable characters.
   */
  public LakeWrite withWriteId(String id) {
    checkArgument(
        id != null
            && !id.isBlank()
            && id.length() <= 200
            && id.chars().allMatch(c -> c >= 0x20 && c < 0x7f),
        "Cannot use write id '%s': give 1 to 200 printable characters",
        id);
    return new LakeWrite(
        lakehouse,
        collection,
        replaceKey,
        metric,
        badRecords,
        rowsPerFile,
        "beam-" + id,
        bundleBatching);
  }

  /**
   * Writes a data file every {@code rowsPerFile} rows of a bundle and at the end of each bundle, as
   * Beam's {@code WriteFiles} writes unsharded bundles, instead of sharding rows and batching them
   * with {@code GroupIntoBatches}. For portable runners without stateful-DoFn timers (Python's
   * FnApiRunner rejects {@code beam:requirement:pardo:on_window_expiration:v1}); files follow the
   * runner's bundles, so small bundles give small files. Failures routing and the once-only commit
   * are the same. Default: {@code GroupIntoBatches}.
   */
  public LakeWrite withBundleBatching() {
    return new LakeWrite(
        lakehouse, collection, replaceKey, metric, badRecords, rowsPerFile, writeId, true);
  }

  /** Spreads rows over a fixed number of writers by a hash of their contents. */
  private static final class ShardOf
      implements org.apache.beam.sdk.transforms.SerializableFunction<Row, Integer> {
    private final int shards;

    ShardOf(int shards) {
      this.shards = shards;
    }

    @Override
    public Integer apply(Row row) {
      return Math.floorMod(row.hashCode(), shards);
    }
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> rows) {
    checkArgument(
        rows.hasSchema(), "Cannot write to %s: the PCollection has no Beam schema", collection);
    Schema schema = rows.getSchema();
    if (replaceKey != null) {
      checkArgument(
          schema.hasField(replaceKey),
          "Cannot replace rows of %s by '%s': the rows have no such field (fields: %s)",
          collection,
          replaceKey,
          schema.getFieldNames());
    }
    Collection target = TableSetup.ensure(lakehouse, collection, schema, metric);
    LakeTarget where = LakeTarget.of(lakehouse, target.name());
    BadRecordRouter router = BadRecords.routerFor(badRecords);
    // null: derived from the written rows' digest by the commit step
    String id = writeId != null || replaceKey == null ? writeId : "beam-" + UUID.randomUUID();

    TupleTagList failures = TupleTagList.of(BadRecordRouter.BAD_RECORD_TAG);
    PCollectionTuple written =
        bundleBatching
            ? rows.apply(
                "Write data files",
                ParDo.of(new WriteFilesFn.ForBundles(where, replaceKey, router, rowsPerFile))
                    .withOutputTags(WriteFilesFn.FILES, failures))
            : rows.apply("Shard rows", WithKeys.of(new ShardOf(SHARDS)))
                .setCoder(KvCoder.of(VarIntCoder.of(), rows.getCoder()))
                .apply("Batch rows", GroupIntoBatches.ofSize(rowsPerFile))
                .apply(
                    "Write data files",
                    ParDo.of(new WriteFilesFn.ForBatches(where, replaceKey, router, rowsPerFile))
                        .withOutputTags(WriteFilesFn.FILES, failures));
    BadRecords.collect(written, badRecords);
    return written
        .get(WriteFilesFn.FILES)
        .setCoder(SerializedCoder.of(WrittenFiles.class))
        .apply("Key by collection", WithKeys.of(target.name()))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), SerializedCoder.of(WrittenFiles.class)))
        .apply("Gather files", GroupByKey.create())
        .apply("Commit", ParDo.of(new CommitFn(where, id, replaceKey)))
        .setRowSchema(CommitFn.SUMMARY);
  }
}
