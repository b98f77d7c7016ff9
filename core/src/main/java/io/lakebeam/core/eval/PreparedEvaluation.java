package io.lakebeam.core.eval;

import io.lakebeam.core.lake.Collection;
import java.util.ArrayList;
import java.util.List;

/**
 * A checked {@link RetrievalEvaluation}, with the collection's document ids read: runs the systems
 * batch by batch. A Beam worker scores its own batches with {@link #score} and sums them.
 *
 * <pre>{@code
 * PreparedEvaluation prepared = evaluation.prepare();
 * double[][] perQuery = prepared.score(system, batch);   // [query][metric]
 * }</pre>
 *
 * <p>Thread-safe: holds no mutable state.
 */
public final class PreparedEvaluation {
  private final Collection collection;
  private final List<EvalQuery> queries;
  private final Qrels qrels;
  private final List<RetrievalSystem> systems;
  private final List<RetrievalMetric> metrics;
  private final DocIdColumn docIds;
  private final int depth;
  private final int batchSize;

  PreparedEvaluation(
      Collection collection,
      List<EvalQuery> queries,
      Qrels qrels,
      List<RetrievalSystem> systems,
      List<RetrievalMetric> metrics,
      DocIdColumn docIds,
      int depth,
      int batchSize) {
    this.collection = collection;
    this.queries = queries;
    this.qrels = qrels;
    this.systems = systems;
    this.metrics = metrics;
    this.docIds = docIds;
    this.depth = depth;
    this.batchSize = batchSize;
  }

  /** The queries that are evaluated (those with a relevant judgment). */
  public List<EvalQuery> queries() {
    return queries;
  }

  public List<RetrievalSystem> systems() {
    return systems;
  }

  public List<RetrievalMetric> metrics() {
    return metrics;
  }

  /** The snapshot whose rows were mapped to documents. */
  public long snapshotId() {
    return docIds.snapshotId();
  }

  /**
   * Runs {@code system} on {@code batch} (one request) and scores each query that has a relevant
   * judgment: {@code [query][metric]}, in the order of {@link #metrics()}; other queries are
   * skipped.
   */
  public double[][] score(RetrievalSystem system, List<EvalQuery> batch) {
    List<EvalQuery> judged = batch.stream().filter(q -> qrels.hasRelevant(q.id())).toList();
    if (judged.isEmpty()) {
      return new double[0][];
    }
    List<List<RetrievedRow>> rows = system.retrieve(collection, judged, depth);
    double[][] out = new double[judged.size()][metrics.size()];
    for (int q = 0; q < judged.size(); q++) {
      List<String> ranking = docIds.ranking(rows.get(q));
      for (int m = 0; m < metrics.size(); m++) {
        out[q][m] = metrics.get(m).score(ranking, qrels.judgments(judged.get(q).id()));
      }
    }
    return out;
  }

  /** Runs every system over every query, {@code batchSize} queries per request. */
  public EvalReport run() {
    List<EvalReport.SystemScores> scores = new ArrayList<>();
    for (RetrievalSystem s : systems) {
      double[] sums = new double[metrics.size()];
      for (int from = 0; from < queries.size(); from += batchSize) {
        List<EvalQuery> batch = queries.subList(from, Math.min(queries.size(), from + batchSize));
        for (double[] perQuery : score(s, batch)) {
          for (int m = 0; m < sums.length; m++) {
            sums[m] += perQuery[m];
          }
        }
      }
      for (int m = 0; m < sums.length; m++) {
        sums[m] /= queries.size();
      }
      scores.add(new EvalReport.SystemScores(s.name(), s.fields(), s.models(collection), sums));
    }
    return new EvalReport(collection.name(), snapshotId(), queries.size(), metrics, scores);
  }
}
