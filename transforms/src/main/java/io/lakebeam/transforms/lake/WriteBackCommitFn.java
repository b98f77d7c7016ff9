package io.lakebeam.transforms.lake;

import io.lakebeam.core.write.ColumnRewrite;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Commits every rewritten file of a write-back as one transaction, under the pipeline's id. */
final class WriteBackCommitFn extends DoFn<KV<String, Iterable<RewrittenFile>>, Row> {
  private static final Logger LOG = LoggerFactory.getLogger(WriteBackCommitFn.class);

  private final LakeTarget target;
  private final long baseSnapshotId;
  private final String targetSchemaJson;
  private final List<String> columns;
  private final Map<String, String> properties;
  private final String writeId;

  WriteBackCommitFn(
      LakeTarget target, ColumnRewrite plan, Map<String, String> properties, String writeId) {
    this.target = target;
    this.baseSnapshotId = plan.baseSnapshotId();
    this.targetSchemaJson = plan.targetSchemaJson();
    this.columns = plan.columns();
    this.properties = new HashMap<>(properties);
    this.writeId = writeId;
  }

  @ProcessElement
  public void process(@Element KV<String, Iterable<RewrittenFile>> batch, OutputReceiver<Row> out) {
    Map<String, org.apache.iceberg.DataFile> files = new HashMap<>();
    long rows = 0;
    for (RewrittenFile f : batch.getValue()) {
      files.put(f.oldPath(), f.file());
      rows += f.valuedRows();
    }
    ColumnRewrite plan =
        ColumnRewrite.resume(target.load(), baseSnapshotId, targetSchemaJson, columns);
    ColumnRewrite.Result r = plan.commit(writeId, files, properties);
    LOG.info(
        "Wrote columns {} of {} rows back into {} ({} files rewritten) as snapshot {}",
        columns,
        rows,
        target.collection(),
        files.size(),
        r.snapshotId());
    out.output(
        Row.withSchema(WriteBackColumns.SUMMARY)
            .addValues(
                target.collection(),
                r.snapshotId(),
                baseSnapshotId,
                files.size(),
                rows,
                String.join(",", columns),
                String.join(",", r.addedColumns()),
                r.alreadyCommitted())
            .build());
  }
}
