package io.lakebeam.transforms.curation;

import io.lakebeam.core.index.SearchHit;
import io.lakebeam.core.index.SearchRequest;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.transforms.lake.LakeTarget;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;

/**
 * Scores each point by its mean distance to its k nearest other rows, found with the collection's
 * vector index (queries batched per bundle). The distance is the metric's (for cosine: 1 - cos).
 */
final class KnnScoreFn extends DoFn<KV<String, float[]>, KV<String, Double>> {
  private static final int BATCH = 64;

  private final LakeTarget target;
  private final String field;
  private final int k;
  private final Counter searched = Metrics.counter("lakebeam", "rows_scored");
  private transient List<KV<String, float[]>> pending;
  private transient Collection collection;

  KnnScoreFn(LakeTarget target, String field, int k) {
    this.target = target;
    this.field = field;
    this.k = k;
  }

  @Setup
  public void setup() {
    collection = target.load();
  }

  @StartBundle
  public void startBundle() {
    pending = new ArrayList<>();
  }

  @ProcessElement
  public void process(@Element KV<String, float[]> point, OutputReceiver<KV<String, Double>> out) {
    pending.add(point);
    if (pending.size() >= BATCH) {
      flush().forEach(out::output);
    }
  }

  @FinishBundle
  public void finishBundle(FinishBundleContext c) {
    for (KV<String, Double> score : flush()) {
      c.output(score, GlobalWindow.INSTANCE.maxTimestamp(), GlobalWindow.INSTANCE);
    }
  }

  private List<KV<String, Double>> flush() {
    List<KV<String, Double>> out = new ArrayList<>();
    if (pending.isEmpty()) {
      return out;
    }
    float[][] queries = pending.stream().map(KV::getValue).toArray(float[][]::new);
    List<List<SearchHit>> hits =
        target
            .lakehouse()
            .indexes()
            .search(collection, new SearchRequest(field, queries, k + 1, 0, null));
    for (int i = 0; i < queries.length; i++) {
      String self = pending.get(i).getKey();
      double sum = 0;
      int n = 0;
      for (SearchHit h : hits.get(i)) {
        if (n < k && !self.equals(h.file() + "#" + h.pos())) {
          sum += h.distance();
          n++;
        }
      }
      out.add(KV.of(self, n == 0 ? 0.0 : sum / n));
    }
    searched.inc(queries.length);
    pending.clear();
    return out;
  }
}
