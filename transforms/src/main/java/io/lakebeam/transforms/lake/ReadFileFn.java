package io.lakebeam.transforms.lake;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.read.DataFileReader;
import io.lakebeam.core.read.TableState;
import java.io.IOException;
import java.util.BitSet;
import java.util.List;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.Row;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

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
    BitSet deleted = state.deletedPositions(path);
    org.apache.iceberg.Schema projection = collection.schema().select(columns);
    long pos = 0;
    try (CloseableIterable<Record> records =
        DataFileReader.read(collection.table(), path, projection)) {
      for (Record r : records) {
        if (deleted == null || !deleted.get((int) pos)) {
          out.output(RowRecords.toRow(r, schema));
          rowsRead.inc();
        }
        pos++;
      }
    } catch (IOException e) {
      throw LakebeamException.internal("Cannot read " + path + " of " + target, e);
    }
  }
}
