package io.lakebeam.transforms.eval;

import static com.google.common.base.Preconditions.checkArgument;

import io.lakebeam.core.lake.Lakehouse;

/**
 * Evaluation transforms.
 *
 * <pre>{@code
 * p.apply(Lake.read(lake, "kb.eval_queries"))
 *  .apply(Evaluate.retrieval(lake, "kb.chunks")
 *      .withQrels("kb.eval_qrels")
 *      .withSystems("vector:embedding", "vector:embedding_bge")
 *      .withK(10))
 *  .apply(Lake.write(lake, "kb.eval_results"));
 * }</pre>
 */
public final class Evaluate {
  private Evaluate() {}

  /**
   * Retrieval quality of systems on {@code collection}: recall@k, nDCG@10 and MRR@k per system, as
   * rows of the evaluation results table; see {@link RetrievalEval}.
   */
  public static RetrievalEval retrieval(Lakehouse lakehouse, String collection) {
    checkArgument(lakehouse != null, "Cannot evaluate %s: no lakehouse", collection);
    checkArgument(
        collection != null && !collection.isBlank(), "Cannot evaluate a blank collection name");
    return RetrievalEval.of(lakehouse, collection);
  }
}
