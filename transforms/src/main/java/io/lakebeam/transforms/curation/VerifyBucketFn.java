package io.lakebeam.transforms.curation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/**
 * Verifies the candidates of each LSH bucket of a shard by exact Jaccard similarity of their
 * shingles, and emits each pair at or above the threshold (smaller rank first). A bucket of up to
 * {@link #ALL_PAIRS} rows is checked pair by pair; a larger one (boilerplate shared by thousands of
 * rows) is checked against up to {@link #LEADERS} leaders, which keeps it linear and still links
 * every member that is similar to a leader.
 */
final class VerifyBucketFn
    extends DoFn<KV<Integer, Iterable<KV<Long, ShingledRow>>>, KV<KV<String, String>, Double>> {
  static final int ALL_PAIRS = 256;
  static final int LEADERS = 32;

  private final double threshold;
  private final Counter compared = Metrics.counter("lakebeam", "pairs_compared");

  VerifyBucketFn(double threshold) {
    this.threshold = threshold;
  }

  @ProcessElement
  public void process(
      @Element KV<Integer, Iterable<KV<Long, ShingledRow>>> shard,
      OutputReceiver<KV<KV<String, String>, Double>> out) {
    Map<Long, List<ShingledRow>> buckets = new HashMap<>();
    for (KV<Long, ShingledRow> member : shard.getValue()) {
      buckets.computeIfAbsent(member.getKey(), b -> new ArrayList<>()).add(member.getValue());
    }
    for (List<ShingledRow> rows : buckets.values()) {
      verify(rows, out);
    }
  }

  private void verify(List<ShingledRow> rows, OutputReceiver<KV<KV<String, String>, Double>> out) {
    if (rows.size() < 2) {
      return;
    }
    rows.sort(Comparator.comparing(ShingledRow::rank));
    if (rows.size() <= ALL_PAIRS) {
      for (int i = 0; i < rows.size(); i++) {
        for (int j = i + 1; j < rows.size(); j++) {
          check(rows.get(i), rows.get(j), out);
        }
      }
      return;
    }
    List<ShingledRow> leaders = new ArrayList<>();
    for (ShingledRow r : rows) {
      boolean linked = false;
      for (ShingledRow leader : leaders) {
        linked |= check(leader, r, out);
      }
      if (!linked && leaders.size() < LEADERS) {
        leaders.add(r);
      }
    }
  }

  private boolean check(
      ShingledRow a, ShingledRow b, OutputReceiver<KV<KV<String, String>, Double>> out) {
    compared.inc();
    double j = Shingles.jaccard(a.shingles(), b.shingles());
    if (j >= threshold && !a.rank().equals(b.rank())) {
      out.output(KV.of(KV.of(a.rank(), b.rank()), j));
      return true;
    }
    return false;
  }
}
