package io.lakebeam.transforms.curation;

import io.lakebeam.core.index.SearchHit;
import io.lakebeam.core.index.SearchRequest;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.transforms.lake.LakeTarget;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;

/**
 * The {@link NeighbourhoodProfile} of each point, from its k nearest other rows found with the
 * collection's vector index (queries batched per bundle, as {@link KnnScoreFn} does). Distances are
 * the metric's (for cosine: 1 - cos).
 */
final class KnnProfileFn extends DoFn<KV<String, float[]>, KV<String, float[]>> {
  private static final int BATCH = 64;

  private final LakeTarget target;
  private final String field;
  private final NeighbourhoodProfile profile;
  private final Counter searched = Metrics.counter("lakebeam", "rows_scored");
  private transient List<KV<String, float[]>> pending;
  private transient Collection collection;

  KnnProfileFn(LakeTarget target, String field, NeighbourhoodProfile profile) {
    this.target = target;
    this.field = field;
    this.profile = profile;
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
  public void process(@Element KV<String, float[]> point, OutputReceiver<KV<String, float[]>> out) {
    pending.add(point);
    if (pending.size() >= BATCH) {
      flush().forEach(out::output);
    }
  }

  @FinishBundle
  public void finishBundle(FinishBundleContext c) {
    for (KV<String, float[]> p : flush()) {
      c.output(p, GlobalWindow.INSTANCE.maxTimestamp(), GlobalWindow.INSTANCE);
    }
  }

  private List<KV<String, float[]>> flush() {
    List<KV<String, float[]>> out = new ArrayList<>();
    if (pending.isEmpty()) {
      return out;
    }
    int k = profile.k();
    float[][] queries = pending.stream().map(KV::getValue).toArray(float[][]::new);
    List<List<SearchHit>> hits =
        target
            .lakehouse()
            .indexes()
            .search(collection, new SearchRequest(field, queries, k + 1, 0, null));
    float[] distances = new float[k];
    for (int i = 0; i < queries.length; i++) {
      String self = pending.get(i).getKey();
      int n = 0;
      for (SearchHit h : hits.get(i)) {
        if (n < k && !self.equals(h.file() + "#" + h.pos())) {
          distances[n++] = Math.max(0f, h.distance());
        }
      }
      Arrays.sort(distances, 0, n);
      out.add(KV.of(self, profile.of(distances, n)));
    }
    searched.inc(queries.length);
    pending.clear();
    return out;
  }
}
