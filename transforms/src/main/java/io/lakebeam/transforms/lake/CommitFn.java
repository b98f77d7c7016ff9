package io.lakebeam.transforms.lake;

import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.write.KeyedCommit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.Row;
import org.apache.iceberg.DataFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits every file the write step produced as one Iceberg snapshot (replacing rows by key when
 * asked), under the pipeline's write id, so a re-executed commit is a no-op. Without a write id
 * (null) the id is derived from the digest of every written row: a rerun of the job over the same
 * input commits nothing.
 */
final class CommitFn extends DoFn<KV<String, Iterable<WrittenFiles>>, Row> {
  static final Schema SUMMARY =
      Schema.builder()
          .addStringField("collection")
          .addInt64Field("snapshot_id")
          .addInt64Field("rows")
          .addInt32Field("files")
          .addInt64Field("replaced_rows")
          .addBooleanField("already_committed")
          .build();

  private static final Logger LOG = LoggerFactory.getLogger(CommitFn.class);

  private final LakeTarget target;
  private final String writeId;
  private final String keyField;

  CommitFn(LakeTarget target, String writeId, String keyField) {
    this.target = target;
    this.writeId = writeId;
    this.keyField = keyField;
  }

  @ProcessElement
  public void process(@Element KV<String, Iterable<WrittenFiles>> batch, OutputReceiver<Row> out) {
    List<DataFile> files = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    long rows = 0;
    RowDigest digest = new RowDigest();
    for (WrittenFiles w : batch.getValue()) {
      files.addAll(w.files());
      keys.addAll(w.keys());
      rows += w.rows();
      digest.add(w.digest());
    }
    String id = writeId != null ? writeId : digest.writeId();
    Collection collection = target.load();
    KeyedCommit commit = KeyedCommit.into(collection);
    if (keyField != null) {
      commit = commit.replacingKeys(keyField, keys);
    }
    KeyedCommit.Result r = commit.commit(id, files);
    LOG.info(
        "Committed {} rows in {} files to {} as snapshot {} ({} rows replaced)",
        rows,
        files.size(),
        target.collection(),
        r.snapshotId(),
        r.replacedRows());
    out.output(
        Row.withSchema(SUMMARY)
            .addValues(
                target.collection(),
                r.snapshotId(),
                rows,
                files.size(),
                (long) r.replacedRows(),
                r.alreadyCommitted())
            .build());
  }
}
