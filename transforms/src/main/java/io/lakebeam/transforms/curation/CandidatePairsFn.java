package io.lakebeam.transforms.curation;

import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/**
 * Turns one shard's LSH band buckets ({@code (bucket, row key)} pairs) into candidate pairs of row
 * keys ({@code a < b}), routed to verification partitions by {@code a}. A bucket of up to {@link
 * #ALL_PAIRS} rows gives all its pairs; a larger one (boilerplate shared by thousands of rows)
 * pairs every member with its first {@link #LEADERS} rows only, which keeps it linear. Pairs are
 * de-duplicated within the shard.
 */
final class CandidatePairsFn extends DoFn<KV<Integer, Iterable<long[]>>, KV<Integer, long[]>> {
  static final int ALL_PAIRS = 256;
  static final int LEADERS = 32;

  private final int partitions;
  private final Counter candidates = Metrics.counter("lakebeam", "candidate_pairs");

  CandidatePairsFn(int partitions) {
    this.partitions = partitions;
  }

  /** The verification partition of a pair whose smaller key is {@code a}. */
  static int partitionOf(long a, int partitions) {
    return (int) Long.remainderUnsigned(Shingles.mix(a ^ 0x5DEECE66DL), partitions);
  }

  @ProcessElement
  public void process(
      @Element KV<Integer, Iterable<long[]>> shard, OutputReceiver<KV<Integer, long[]>> out) {
    long[] entries = concat(shard.getValue());
    PairSort.sort(entries);
    LongList[] pairs = new LongList[partitions];
    for (int i = 0; i < partitions; i++) {
      pairs[i] = new LongList();
    }
    int n = entries.length / 2;
    long[] members = new long[16];
    for (int start = 0; start < n; ) {
      int end = start + 1;
      while (end < n && entries[2 * end] == entries[2 * start]) {
        end++;
      }
      if (end - start > 1) {
        if (members.length < end - start) {
          members = new long[end - start];
        }
        int m = 0;
        for (int i = start; i < end; i++) {
          long key = entries[2 * i + 1];
          if (m == 0 || members[m - 1] != key) {
            members[m++] = key;
          }
        }
        pairUp(members, m, pairs);
      }
      start = end;
    }
    for (int p = 0; p < partitions; p++) {
      if (pairs[p].size() > 0) {
        long[] flat = pairs[p].toArray();
        int distinct = PairSort.sortDistinct(flat);
        candidates.inc(distinct / 2);
        out.output(KV.of(p, java.util.Arrays.copyOf(flat, distinct)));
      }
    }
  }

  private void pairUp(long[] members, int m, LongList[] pairs) {
    int leaders = m <= ALL_PAIRS ? m : LEADERS;
    for (int i = 0; i < leaders; i++) {
      long a = members[i];
      LongList target = pairs[partitionOf(a, partitions)];
      for (int j = i + 1; j < m; j++) {
        target.add(a, members[j]);
      }
    }
  }

  private static long[] concat(Iterable<long[]> batches) {
    int total = 0;
    for (long[] b : batches) {
      total += b.length;
    }
    long[] out = new long[total];
    int at = 0;
    for (long[] b : batches) {
      System.arraycopy(b, 0, out, at, b.length);
      at += b.length;
    }
    return out;
  }
}
