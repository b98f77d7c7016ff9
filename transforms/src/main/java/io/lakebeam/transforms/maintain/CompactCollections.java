package io.lakebeam.transforms.maintain;

import static com.google.common.base.Preconditions.checkArgument;

import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.maintain.Compaction;
import io.lakebeam.transforms.lake.LakeTarget;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * Compacts each collection named by the input; outputs one row per collection ({@link #SCHEMA}).
 * Immutable; made by {@link Maintain#compact}.
 */
public final class CompactCollections extends PTransform<PCollection<String>, PCollection<Row>> {
  /** The output: what each compaction did. */
  public static final Schema SCHEMA =
      Schema.builder()
          .addStringField("collection")
          .addInt64Field("snapshot_id")
          .addInt32Field("files_rewritten")
          .addInt32Field("files_written")
          .addInt64Field("rows_written")
          .addInt64Field("deleted_rows_applied")
          .build();

  private final LakeTarget lakehouse;
  private final long targetFileBytes;

  CompactCollections(LakeTarget lakehouse, long targetFileBytes) {
    this.lakehouse = lakehouse;
    this.targetFileBytes = targetFileBytes;
  }

  /**
   * Size of the compacted files (default: each table's {@code write.target-file-size-bytes}, else
   * 128 MiB; at least 1 KiB).
   */
  public CompactCollections withTargetFileBytes(long bytes) {
    checkArgument(bytes >= 1024, "Cannot compact to files of %s bytes: give at least 1024", bytes);
    return new CompactCollections(lakehouse, bytes);
  }

  @Override
  public PCollection<Row> expand(PCollection<String> collections) {
    return collections
        .apply("Compact each collection", ParDo.of(new CompactFn(lakehouse, targetFileBytes)))
        .setRowSchema(SCHEMA);
  }

  /** Runs one collection's compaction. */
  static final class CompactFn extends DoFn<String, Row> {
    private final LakeTarget lakehouse;
    private final long targetFileBytes;

    CompactFn(LakeTarget lakehouse, long targetFileBytes) {
      this.lakehouse = lakehouse;
      this.targetFileBytes = targetFileBytes;
    }

    @ProcessElement
    public void process(@Element String name, OutputReceiver<Row> out) {
      Collection c = lakehouse.lakehouse().collection(name);
      Compaction job = Compaction.of(c);
      if (targetFileBytes > 0) {
        job = job.withTargetFileBytes(targetFileBytes);
      }
      Compaction.Result r = job.run();
      out.output(
          Row.withSchema(SCHEMA)
              .addValues(
                  c.name(),
                  r.snapshotId(),
                  r.filesRewritten(),
                  r.filesWritten(),
                  r.rowsWritten(),
                  r.deletedRowsApplied())
              .build());
    }
  }
}
