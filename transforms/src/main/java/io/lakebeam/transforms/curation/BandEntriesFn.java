package io.lakebeam.transforms.curation;

import io.lakebeam.transforms.FailedRecords;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.errorhandling.BadRecordRouter;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Shingles and MinHashes each row, and collects its LSH band buckets as {@code (bucket, row key)}
 * pairs in per-shard batches: one output per shard per bundle (or per {@link #FLUSH_AT} entries),
 * not one per row and band. Rows without words go to the bad-record router.
 */
final class BandEntriesFn extends DoFn<Row, KV<Integer, long[]>> {
  static final TupleTag<KV<Integer, long[]>> ENTRIES = new TupleTag<>() {};

  /** Longs buffered (over all shards) before a bundle's batches are emitted early. */
  static final int FLUSH_AT = 1 << 22;

  private final String textField;
  private final int shingleSize;
  private final MinHasher hasher;
  private final LshParams lsh;
  private final DuplicateFields fields;
  private final int shards;
  private final BadRecordRouter router;
  private final Counter signed = Metrics.counter("lakebeam", "rows_signed");
  private transient LongList[] batches;
  private transient int buffered;

  BandEntriesFn(
      String textField,
      int shingleSize,
      MinHasher hasher,
      LshParams lsh,
      DuplicateFields fields,
      int shards,
      BadRecordRouter router) {
    this.textField = textField;
    this.shingleSize = shingleSize;
    this.hasher = hasher;
    this.lsh = lsh;
    this.fields = fields;
    this.shards = shards;
    this.router = router;
  }

  @StartBundle
  public void startBundle() {
    batches = new LongList[shards];
    for (int i = 0; i < shards; i++) {
      batches[i] = new LongList();
    }
    buffered = 0;
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
    long key = DuplicateFields.key(fields.rank(row));
    int[] signature = hasher.signature(shingles);
    for (int band = 0; band < lsh.bands(); band++) {
      long bucket = MinHasher.bandKey(signature, band, lsh.rows());
      batches[(int) Long.remainderUnsigned(bucket, shards)].add(bucket, key);
    }
    signed.inc();
    buffered += 2 * lsh.bands();
    if (buffered >= FLUSH_AT) {
      for (int s = 0; s < shards; s++) {
        if (batches[s].size() > 0) {
          out.get(ENTRIES).output(KV.of(s, batches[s].toArray()));
          batches[s].clear();
        }
      }
      buffered = 0;
    }
  }

  @FinishBundle
  public void finishBundle(FinishBundleContext c) {
    for (int s = 0; s < shards; s++) {
      if (batches[s].size() > 0) {
        c.output(
            ENTRIES,
            KV.of(s, batches[s].toArray()),
            GlobalWindow.INSTANCE.maxTimestamp(),
            GlobalWindow.INSTANCE);
      }
    }
    batches = null;
  }
}
