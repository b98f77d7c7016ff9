package io.lakebeam.transforms.eval;

import io.lakebeam.core.eval.PreparedEvaluation;
import io.lakebeam.core.eval.Qrels;
import io.lakebeam.core.eval.RetrievalEvaluation;
import io.lakebeam.core.eval.RetrievalMetric;
import io.lakebeam.core.eval.RetrievalSystems;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.transforms.lake.LakeTarget;
import java.io.Serializable;
import java.util.List;

/**
 * What a {@link RetrievalEval} evaluates, as workers see it: the collection, the qrels table, the
 * system specs and metrics. Each worker prepares its own evaluation from it once.
 */
record EvalSettings(
    LakeTarget target,
    String qrels,
    List<String> systems,
    List<String> metrics,
    String docIdColumn,
    int depth,
    int batchSize)
    implements Serializable {

  /** The collection's current metadata. */
  Collection collection() {
    return target.load();
  }

  /** Reads the qrels and the document ids and checks every system (once per worker). */
  PreparedEvaluation prepare() {
    Collection c = collection();
    Qrels judged = Qrels.read(target.lakehouse().collection(qrels).refreshMetadata());
    return RetrievalEvaluation.of(c)
        .withQrels(judged)
        .withSystems(RetrievalSystems.parseAll(systems, ModelQueryEncoder.INSTANCE))
        .withMetrics(RetrievalMetric.parseAll(metrics))
        .withDocIdColumn(docIdColumn)
        .withDepth(depth)
        .withBatchSize(batchSize)
        .prepareForBatches();
  }
}
