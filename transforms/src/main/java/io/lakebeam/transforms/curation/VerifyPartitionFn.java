package io.lakebeam.transforms.curation;

import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Verifies one partition's candidate pairs by exact Jaccard similarity of the two rows' shingles
 * (both sent to this partition by {@link ShingleRowsFn}), and emits the pairs at or above the
 * threshold as one batch of edges.
 */
final class VerifyPartitionFn extends DoFn<KV<Integer, CoGbkResult>, DuplicateEdges> {
  static final TupleTag<long[]> PAIRS = new TupleTag<>() {};
  static final TupleTag<ShingleBatch> ROWS = new TupleTag<>() {};

  private final double threshold;
  private final Counter compared = Metrics.counter("lakebeam", "pairs_compared");
  private final Counter verified = Metrics.counter("lakebeam", "pairs_verified");

  VerifyPartitionFn(double threshold) {
    this.threshold = threshold;
  }

  @ProcessElement
  public void process(
      @Element KV<Integer, CoGbkResult> partition, OutputReceiver<DuplicateEdges> out) {
    Map<Long, Integer> index = new HashMap<>();
    java.util.List<ShingleBatch> batches = new java.util.ArrayList<>();
    for (ShingleBatch b : partition.getValue().getAll(ROWS)) {
      batches.add(b);
    }
    int total = 0;
    for (ShingleBatch b : batches) {
      total += b.size();
    }
    String[] ranks = new String[total];
    long[][] shingles = new long[total][];
    int at = 0;
    for (ShingleBatch b : batches) {
      for (int i = 0; i < b.size(); i++, at++) {
        ranks[at] = b.ranks()[i];
        shingles[at] = b.shingles()[i];
        Integer seen = index.putIfAbsent(b.keys()[i], at);
        if (seen != null && !ranks[seen].equals(ranks[at])) {
          throw new IllegalStateException(
              "Cannot find near-duplicates: rows '"
                  + ranks[seen]
                  + "' and '"
                  + ranks[at]
                  + "' have the same 64-bit key; give them distinct ids (withIdField)");
        }
      }
    }
    LongList all = new LongList();
    for (long[] pairs : partition.getValue().getAll(PAIRS)) {
      for (long v : pairs) {
        all.add(v);
      }
    }
    long[] pairs = all.toArray();
    int n = PairSort.sortDistinct(pairs);
    DuplicateEdges.Builder edges = new DuplicateEdges.Builder();
    for (int i = 0; i < n; i += 2) {
      Integer a = index.get(pairs[i]);
      Integer b = index.get(pairs[i + 1]);
      if (a == null || b == null) {
        throw new IllegalStateException(
            "Cannot verify a candidate pair: the shingles of one row did not reach partition "
                + partition.getKey());
      }
      double j = Shingles.jaccard(shingles[a], shingles[b]);
      if (j >= threshold) {
        edges.add(ranks[a], ranks[b], j);
      }
    }
    compared.inc(n / 2);
    if (!edges.isEmpty()) {
      DuplicateEdges batch = edges.build();
      verified.inc(batch.size());
      out.output(batch);
    }
  }
}
