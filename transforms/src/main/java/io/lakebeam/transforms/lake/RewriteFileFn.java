package io.lakebeam.transforms.lake;

import io.lakebeam.core.write.ColumnRewrite;
import io.lakebeam.transforms.LocalProgress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.iceberg.types.Type;

/**
 * Rewrites one data file of the base snapshot with the computed values of its rows (a row without
 * values gets nulls). The new file is not referenced by any snapshot until the commit step.
 */
final class RewriteFileFn extends DoFn<KV<String, CoGbkResult>, KV<String, RewrittenFile>> {
  static final TupleTag<Row> VALUES = new TupleTag<>() {};
  static final TupleTag<Boolean> BASE_FILE = new TupleTag<>() {};

  private final LakeTarget target;
  private final long baseSnapshotId;
  private final String targetSchemaJson;
  private final List<String> columns;
  private final List<Type> types;
  private final Counter files = Metrics.counter("lakebeam", "files_rewritten");
  private transient ColumnRewrite rewrite;

  RewriteFileFn(LakeTarget target, ColumnRewrite plan, List<Type> types) {
    this.target = target;
    this.baseSnapshotId = plan.baseSnapshotId();
    this.targetSchemaJson = plan.targetSchemaJson();
    this.columns = plan.columns();
    this.types = types;
  }

  @Setup
  public void setup() {
    rewrite = ColumnRewrite.resume(target.load(), baseSnapshotId, targetSchemaJson, columns);
  }

  @ProcessElement
  public void process(
      @Element KV<String, CoGbkResult> file, OutputReceiver<KV<String, RewrittenFile>> out) {
    String path = file.getKey();
    if (!file.getValue().getAll(BASE_FILE).iterator().hasNext()) {
      throw new IllegalStateException(
          "Cannot write columns back into "
              + target.collection()
              + ": rows come from data file "
              + path
              + ", which is not in snapshot "
              + baseSnapshotId
              + "; read the rows and write them back in the same pipeline");
    }
    Map<Long, Object[]> values = new HashMap<>();
    for (Row row : file.getValue().getAll(VALUES)) {
      Object[] v = new Object[columns.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = RowRecords.toIceberg(row.getValue(i + 1), types.get(i));
      }
      values.put(row.getInt64(0), v);
    }
    out.output(
        KV.of("commit", new RewrittenFile(path, rewrite.rewrite(path, values), values.size())));
    files.inc();
    LocalProgress.FILES_REWRITTEN.increment();
  }
}
