package io.lakebeam.transforms.lake;

import static com.google.common.base.Preconditions.checkArgument;

import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * Beam transforms that read and write Lakebeam collections (Iceberg tables) in place.
 *
 * <pre>{@code
 * Lakehouse lake = Lakehouse.open("/data/lakehouse");
 * p.apply(Lake.read(lake, "corpus.chunks").withColumns("chunk_id", "text"))
 *  ...
 *  .apply(Lake.write(lake, "corpus.chunks").withReplaceKey("doc_id"));
 *
 * try (BadRecordErrorHandler<?> failures =
 *     p.registerBadRecordErrorHandler(Lake.writeFailures(lake, "corpus.failures"))) {
 *   ... .withBadRecordErrorHandler(failures) ...
 * }
 * }</pre>
 *
 * <p>Writes are atomic: each bundle writes Parquet data files, and one commit per pipeline run adds
 * them all to the table as one Iceberg snapshot (readers see every row or none). The commit carries
 * a write id (derived from the rows, or {@link LakeWrite#withWriteId}), so a retried bundle, a
 * re-executed commit or a rerun of a killed job never duplicates rows; a killed pipeline leaves the
 * table at its last committed snapshot. I/O errors fail the bundle (the runner retries it); only
 * bad records go to the bad-record handler. A write creates the collection when it does not exist
 * (before the pipeline runs), or checks that the rows fit it.
 */
public final class Lake {
  private Lake() {}

  /** Reads every row of {@code collection} at its current snapshot. */
  public static LakeRead read(Lakehouse lakehouse, String collection) {
    checkArgument(lakehouse != null, "Cannot read %s: no lakehouse", collection);
    return new LakeRead(lakehouse, collection, null);
  }

  /** Appends rows to {@code collection} in one commit; see {@link LakeWrite} for options. */
  public static LakeWrite write(Lakehouse lakehouse, String collection) {
    checkArgument(lakehouse != null, "Cannot write %s: no lakehouse", collection);
    checkArgument(
        collection != null && !collection.isBlank(), "Cannot write to a blank collection name");
    return new LakeWrite(
        lakehouse, collection, null, Metric.COSINE, null, LakeWrite.DEFAULT_ROWS_PER_FILE);
  }

  /**
   * Writes the computed fields of rows read with {@link #read} back into {@code collection} as
   * columns of the same table: new columns are added by schema evolution, every data file is
   * rewritten with its rows' values, and one atomic commit swaps them in. The previous snapshot
   * stays readable; rows appended meanwhile are kept (their new columns are null); if rows of the
   * rewritten files were deleted or replaced meanwhile, nothing is committed and the job fails with
   * what to do.
   *
   * <pre>{@code
   * p.apply(Lake.read(lake, "corpus.chunks"))
   *  .apply(Cluster.kMeans().onVector("embedding").withK(256))
   *  .apply(Lake.writeBackColumns(lake, "corpus.chunks"));
   * }</pre>
   */
  public static WriteBackColumns writeBackColumns(Lakehouse lakehouse, String collection) {
    checkArgument(lakehouse != null, "Cannot write back into %s: no lakehouse", collection);
    checkArgument(
        collection != null && !collection.isBlank(), "Cannot write back into a blank collection");
    return new WriteBackColumns(lakehouse, collection);
  }

  /**
   * A sink for Beam's bad-record error handler that appends every failed record to a failures
   * collection ({@code failed_at, uri, stage, reason, error, stack_trace}).
   */
  public static PTransform<PCollection<BadRecord>, PCollection<Row>> writeFailures(
      Lakehouse lakehouse, String collection) {
    return new WriteFailures(lakehouse, collection);
  }

  private static final class WriteFailures
      extends PTransform<PCollection<BadRecord>, PCollection<Row>> {
    private final transient Lakehouse lakehouse;
    private final String collection;

    WriteFailures(Lakehouse lakehouse, String collection) {
      this.lakehouse = lakehouse;
      this.collection = collection;
    }

    @Override
    public PCollection<Row> expand(PCollection<BadRecord> failures) {
      return failures
          .apply("Describe failures", MapElements.via(new FailureRows()))
          .setRowSchema(FailureRows.SCHEMA)
          // few rows: a file per bundle is fine, and no GroupIntoBatches keeps every pipeline
          // with a failures table runnable on portable runners (Python's FnApiRunner)
          .apply("Write failures", write(lakehouse, collection).withBundleBatching());
    }
  }
}
