package io.lakebeam.transforms.eval;

import io.lakebeam.core.eval.EvalQuery;
import io.lakebeam.core.eval.PreparedEvaluation;
import io.lakebeam.core.eval.RetrievalSystem;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/**
 * Runs every system on one batch of queries (one request per system) and emits, per system, the
 * sums of the batch's per-query metric values.
 */
final class ScoreBatchFn extends DoFn<KV<Integer, Iterable<EvalQuery>>, KV<String, MetricSums>> {
  private final EvalSettings settings;
  private transient PreparedEvaluation prepared;

  ScoreBatchFn(EvalSettings settings) {
    this.settings = settings;
  }

  @Setup
  public void setup() {
    prepared = settings.prepare();
  }

  @ProcessElement
  public void process(
      @Element KV<Integer, Iterable<EvalQuery>> batch, OutputReceiver<KV<String, MetricSums>> out) {
    List<EvalQuery> queries = new ArrayList<>();
    batch.getValue().forEach(queries::add);
    for (RetrievalSystem system : prepared.systems()) {
      double[][] scores = prepared.score(system, queries);
      if (scores.length > 0) {
        out.output(KV.of(system.name(), MetricSums.of(scores, prepared.metrics().size())));
      }
    }
  }
}
