package io.lakebeam.transforms.curation;

import io.lakebeam.transforms.FailedRecords;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.errorhandling.BadRecordRouter;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Shingles a row's text, MinHashes it and emits it once per LSH band with the band's bucket hash,
 * keyed by the bucket's shard.
 */
final class SignFn extends DoFn<Row, KV<Integer, KV<Long, ShingledRow>>> {
  static final TupleTag<KV<Integer, KV<Long, ShingledRow>>> BANDS = new TupleTag<>() {};

  /** Bucket shards: buckets are grouped by shard, then by band hash inside the shard. */
  static final int SHARDS = 256;

  private final String textField;
  private final int shingleSize;
  private final MinHasher hasher;
  private final LshParams lsh;
  private final DuplicateFields fields;
  private final BadRecordRouter router;
  private final Counter signed = Metrics.counter("lakebeam", "rows_signed");

  SignFn(
      String textField,
      int shingleSize,
      MinHasher hasher,
      LshParams lsh,
      DuplicateFields fields,
      BadRecordRouter router) {
    this.textField = textField;
    this.shingleSize = shingleSize;
    this.hasher = hasher;
    this.lsh = lsh;
    this.fields = fields;
    this.router = router;
  }

  @ProcessElement
  public void process(@Element Row row, MultiOutputReceiver out) throws Exception {
    String text = row.getString(textField);
    long[] shingles = text == null ? new long[0] : Shingles.of(text, shingleSize);
    if (shingles.length == 0) {
      IllegalArgumentException e =
          new IllegalArgumentException(
              "field '" + textField + "' is " + (text == null ? "null" : "empty (no words)"));
      router.route(
          out,
          FailedRecords.sourceOf(row),
          StringUtf8Coder.of(),
          e,
          "[dedup] cannot find near-duplicates of this row: " + e.getMessage());
      return;
    }
    ShingledRow member = new ShingledRow(fields.rank(row), shingles);
    int[] signature = hasher.signature(shingles);
    for (int band = 0; band < lsh.bands(); band++) {
      long bucket = MinHasher.bandKey(signature, band, lsh.rows());
      out.get(BANDS)
          .output(KV.of((int) Long.remainderUnsigned(bucket, SHARDS), KV.of(bucket, member)));
    }
    signed.inc();
  }
}
