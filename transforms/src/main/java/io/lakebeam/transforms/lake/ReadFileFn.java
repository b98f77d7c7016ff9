package io.lakebeam.transforms.lake;

import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.read.LiveRows;
import io.lakebeam.core.read.TableState;
import io.lakebeam.transforms.LocalProgress;
import java.util.List;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.Row;

/** Reads one data file of a pinned snapshot as Beam rows, leaving out position-deleted rows. */
final class ReadFileFn extends DoFn<String, Row> {
  private final LakeTarget target;
  private final long snapshotId;
  private final List<String> columns;
  private final Schema schema;
  private final Counter rowsRead = Metrics.counter("lakebeam", "rows_read");
  private transient Collection collection;
  private transient TableState state;

  ReadFileFn(LakeTarget target, long snapshotId, List<String> columns, Schema schema) {
    this.target = target;
    this.snapshotId = snapshotId;
    this.columns = columns;
    this.schema = schema;
  }

  @Setup
  public void setup() {
    collection = target.load();
    state = TableState.of(collection.table(), snapshotId);
  }

  @ProcessElement
  public void process(@Element String path, OutputReceiver<Row> out) {
    org.apache.iceberg.Schema projection = collection.schema().select(columns);
    LiveRows.forEachInFile(
        collection.table(),
        state,
        path,
        projection,
        (pos, r) -> {
          out.output(RowRecords.toRow(r, schema, path, pos));
          rowsRead.inc();
          LocalProgress.ROWS_READ.increment();
        });
  }
}
