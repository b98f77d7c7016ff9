package io.lakebeam.transforms.curation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/**
 * Compares every pair of rows of one semantic-dedup partition by cosine similarity (the dot product
 * of unit vectors), as blocked dot products ({@link DotTiles}) over the partition's rows ordered by
 * rank, and emits the pairs at or above the threshold (smaller rank first).
 */
final class PartitionPairs
    extends DoFn<KV<Integer, Iterable<VectorBlock>>, KV<KV<String, String>, Double>> {
  private static final int W = DotTiles.WIDTH;
  private final double threshold;
  private final Counter compared = Metrics.counter("lakebeam", "pairs_compared");

  PartitionPairs(double threshold) {
    this.threshold = threshold;
  }

  @ProcessElement
  public void process(
      @Element KV<Integer, Iterable<VectorBlock>> partition,
      OutputReceiver<KV<KV<String, String>, Double>> out) {
    List<VectorBlock> parts = new ArrayList<>();
    int total = 0;
    int d = 0;
    for (VectorBlock b : partition.getValue()) {
      parts.add(b);
      total += b.size();
      d = b.d;
    }
    String[] ids = new String[total];
    int[][] from = new int[total][];
    int at = 0;
    for (int b = 0; b < parts.size(); b++) {
      for (int i = 0; i < parts.get(b).size(); i++) {
        ids[at] = parts.get(b).ids[i];
        from[at++] = new int[] {b, i};
      }
    }
    Integer[] order = new Integer[total];
    for (int i = 0; i < total; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (x, y) -> ids[x].compareTo(ids[y]));
    float[] flat = new float[total * d];
    String[] sorted = new String[total];
    for (int o = 0; o < total; o++) {
      int[] src = from[order[o]];
      System.arraycopy(parts.get(src[0]).flat, src[1] * d, flat, o * d, d);
      sorted[o] = ids[order[o]];
    }
    DotTiles dots = new DotTiles(flat, total, d);
    float[] tile = new float[4 * W];
    for (int i = 0; i < total; i += 4) {
      int rows = Math.min(4, total - i);
      for (int p = (i + 1) / W; p < dots.panels; p++) {
        if (rows == 4) {
          dots.tile4(flat, i, p, tile);
        }
        for (int r = 0; r < rows; r++) {
          if (rows < 4) {
            dots.tile1(flat, i + r, p, tile);
          }
          int row = i + r;
          int first = Math.max(p * W, row + 1);
          int last = Math.min(p * W + W, total);
          int off = rows == 4 ? r * W : 0;
          for (int j = first; j < last; j++) {
            double sim = tile[off + j - p * W];
            if (sim >= threshold) {
              out.output(KV.of(KV.of(sorted[row], sorted[j]), Math.min(sim, 1.0)));
            }
          }
        }
      }
    }
    compared.inc((long) total * (total - 1) / 2);
  }
}
