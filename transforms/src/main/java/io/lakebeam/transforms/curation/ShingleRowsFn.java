package io.lakebeam.transforms.curation;

import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;

/**
 * Sends the shingles of every row that is in some candidate pair to each verification partition
 * that needs them, batched per partition and bundle. Rows arrive grouped by data file ({@link
 * RowsByFile}); rows in no candidate pair (most rows of a corpus) send nothing.
 */
final class ShingleRowsFn extends DoFn<KV<String, Iterable<Row>>, KV<Integer, ShingleBatch>> {
  private final String textField;
  private final int shingleSize;
  private final DuplicateFields fields;
  private final int partitions;
  private final PCollectionView<NeededRows> needed;
  private transient ShingleBatch.Builder[] batches;

  ShingleRowsFn(
      String textField,
      int shingleSize,
      DuplicateFields fields,
      int partitions,
      PCollectionView<NeededRows> needed) {
    this.textField = textField;
    this.shingleSize = shingleSize;
    this.fields = fields;
    this.partitions = partitions;
    this.needed = needed;
  }

  @StartBundle
  public void startBundle() {
    batches = new ShingleBatch.Builder[partitions];
  }

  @ProcessElement
  public void process(ProcessContext c) {
    NeededRows rows = c.sideInput(needed);
    if (rows.size() == 0) {
      return;
    }
    for (Row row : c.element().getValue()) {
      String rank = fields.rank(row);
      long key = DuplicateFields.key(rank);
      long mask = rows.partitionsOf(key);
      if (mask == 0) {
        continue;
      }
      long[] shingles = Shingles.of(row.getString(textField), shingleSize);
      for (int p = 0; p < partitions; p++) {
        if ((mask & (1L << p)) != 0) {
          if (batches[p] == null) {
            batches[p] = new ShingleBatch.Builder();
          }
          batches[p].add(key, rank, shingles);
        }
      }
    }
  }

  @FinishBundle
  public void finishBundle(FinishBundleContext c) {
    for (int p = 0; p < partitions; p++) {
      if (batches[p] != null && !batches[p].isEmpty()) {
        c.output(
            KV.of(p, batches[p].build()),
            GlobalWindow.INSTANCE.maxTimestamp(),
            GlobalWindow.INSTANCE);
      }
    }
    batches = null;
  }
}
