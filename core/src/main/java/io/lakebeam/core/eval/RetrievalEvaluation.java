package io.lakebeam.core.eval;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.index.SearchRequest;
import io.lakebeam.core.lake.Collection;
import java.util.List;

/**
 * Evaluates retrieval systems on a collection against a queries table and qrels: recall@k, nDCG@10
 * and MRR@k (see {@link RetrievalMetric}) per system.
 *
 * <pre>{@code
 * EvalReport report =
 *     RetrievalEvaluation.of(lake.collection("kb.chunks"))
 *         .withQueries(EvalQueries.read(lake.collection("kb.eval_queries")))
 *         .withQrels(Qrels.read(lake.collection("kb.eval_qrels")))
 *         .withSystems(RetrievalSystems.parseAll(List.of("vector:embedding"), encoder))
 *         .withMetrics(RetrievalMetric.defaults(10))
 *         .run();
 * }</pre>
 *
 * <p>Each system retrieves {@link #withDepth depth} rows per query (default: five times the largest
 * cut-off, at least 50); rows become documents by {@link DocIdColumn}'s rule (a document counts
 * once, at its best row). Evaluated are the queries of the queries table with at least one relevant
 * judgment; a query with none retrieved scores 0. Immutable: every {@code withX} returns a new
 * evaluation.
 */
public final class RetrievalEvaluation {
  /** The default document id column of a collection's rows. */
  public static final String DEFAULT_DOC_ID_COLUMN = "doc_id";

  /** The default number of queries sent to a system in one request. */
  public static final int DEFAULT_BATCH_SIZE = 256;

  private final Collection collection;
  private final List<EvalQuery> queries;
  private final Qrels qrels;
  private final List<RetrievalSystem> systems;
  private final List<RetrievalMetric> metrics;
  private final String docIdColumn;
  private final int depth;
  private final int batchSize;

  private RetrievalEvaluation(
      Collection collection,
      List<EvalQuery> queries,
      Qrels qrels,
      List<RetrievalSystem> systems,
      List<RetrievalMetric> metrics,
      String docIdColumn,
      int depth,
      int batchSize) {
    this.collection = collection;
    this.queries = queries;
    this.qrels = qrels;
    this.systems = systems;
    this.metrics = metrics;
    this.docIdColumn = docIdColumn;
    this.depth = depth;
    this.batchSize = batchSize;
  }

  /** An evaluation of {@code collection} with default metrics for k = 10. */
  public static RetrievalEvaluation of(Collection collection) {
    if (collection == null) {
      throw LakebeamException.invalid("Cannot evaluate without a collection");
    }
    return new RetrievalEvaluation(
        collection,
        null,
        null,
        null,
        RetrievalMetric.defaults(10),
        DEFAULT_DOC_ID_COLUMN,
        0,
        DEFAULT_BATCH_SIZE);
  }

  public RetrievalEvaluation withQueries(List<EvalQuery> q) {
    return new RetrievalEvaluation(
        collection, List.copyOf(q), qrels, systems, metrics, docIdColumn, depth, batchSize);
  }

  public RetrievalEvaluation withQrels(Qrels r) {
    return new RetrievalEvaluation(
        collection, queries, r, systems, metrics, docIdColumn, depth, batchSize);
  }

  public RetrievalEvaluation withSystems(List<RetrievalSystem> s) {
    return new RetrievalEvaluation(
        collection, queries, qrels, List.copyOf(s), metrics, docIdColumn, depth, batchSize);
  }

  /** The metrics to report (default {@link RetrievalMetric#defaults}(10)). */
  public RetrievalEvaluation withMetrics(List<RetrievalMetric> m) {
    if (m == null || m.isEmpty()) {
      throw LakebeamException.invalid("Cannot evaluate without metrics: name e.g. ndcg@10");
    }
    return new RetrievalEvaluation(
        collection, queries, qrels, systems, List.copyOf(m), docIdColumn, depth, batchSize);
  }

  /** The collection's column the qrels doc ids refer to (default {@code doc_id}). */
  public RetrievalEvaluation withDocIdColumn(String column) {
    return new RetrievalEvaluation(
        collection, queries, qrels, systems, metrics, column, depth, batchSize);
  }

  /** Rows each system retrieves per query, 1..10000, or 0 for the default. */
  public RetrievalEvaluation withDepth(int rows) {
    if (rows < 0 || rows > SearchRequest.MAX_TOP_K) {
      throw LakebeamException.invalid(
          "Cannot retrieve %d rows per query: use 1..%d, or 0 for the default",
          rows, SearchRequest.MAX_TOP_K);
    }
    return new RetrievalEvaluation(
        collection, queries, qrels, systems, metrics, docIdColumn, rows, batchSize);
  }

  /** Queries per request to a system (default {@value #DEFAULT_BATCH_SIZE}), 1..10000. */
  public RetrievalEvaluation withBatchSize(int size) {
    if (size < 1 || size > 10_000) {
      throw LakebeamException.invalid("Cannot send %d queries per request: use 1..10000", size);
    }
    return new RetrievalEvaluation(
        collection, queries, qrels, systems, metrics, docIdColumn, depth, size);
  }

  /** The depth used: the one set, or five times the largest cut-off (at least 50). */
  public int effectiveDepth() {
    if (depth > 0) {
      return depth;
    }
    int maxK = metrics.stream().mapToInt(RetrievalMetric::k).max().orElse(10);
    return Math.min(SearchRequest.MAX_TOP_K, Math.max(50, 5 * maxK));
  }

  /**
   * Checks every setting against the collection and reads its document ids: the queries and qrels
   * must share query ids, the qrels doc ids must match rows, and every system must be able to run.
   */
  public PreparedEvaluation prepare() {
    return prepareChecked(true);
  }

  private PreparedEvaluation prepareChecked(boolean checkQueries) {
    if (queries == null || qrels == null || systems == null || systems.isEmpty()) {
      throw LakebeamException.invalid(
          "Cannot evaluate '%s': set queries, qrels and at least one system", collection.name());
    }
    int maxK = metrics.stream().mapToInt(RetrievalMetric::k).max().orElse(10);
    if (effectiveDepth() < maxK) {
      throw LakebeamException.invalid(
          "Cannot evaluate a cut-off of %d with a depth of %d rows: raise --depth to at least %d",
          maxK, effectiveDepth(), maxK);
    }
    List<EvalQuery> evaluated = queries.stream().filter(q -> qrels.hasRelevant(q.id())).toList();
    if (checkQueries && evaluated.isEmpty()) {
      throw LakebeamException.invalid(
          "Cannot evaluate: none of the %d queries has a relevant judgment in the qrels; the"
              + " queries' ids are e.g. %s, the qrels' query ids e.g. %s (relevance must be > 0)",
          queries.size(),
          queries.stream().limit(3).map(EvalQuery::id).toList(),
          qrels.queryIds().stream().limit(3).toList());
    }
    DocIdColumn docIds = DocIdColumn.read(collection, docIdColumn);
    if (qrels.docIds().stream().noneMatch(docIds::contains)) {
      throw LakebeamException.invalid(
          "Cannot evaluate '%s': none of the %d doc ids in the qrels (e.g. %s) matches a value of"
              + " its column '%s' (e.g. %s); name the column the qrels refer to with"
              + " --doc-id-column",
          collection.name(),
          qrels.docIds().size(),
          qrels.docIds().stream().limit(3).toList(),
          docIdColumn,
          docIds.examples(3));
    }
    for (RetrievalSystem s : systems) {
      s.check(collection, evaluated);
    }
    return new PreparedEvaluation(
        collection, evaluated, qrels, systems, metrics, docIds, effectiveDepth(), batchSize);
  }

  /**
   * Like {@link #prepare()} for queries that arrive later in batches (a pipeline's): checks the
   * qrels against the collection's document ids and every system, but no query ids; {@link
   * PreparedEvaluation#score} then skips the queries without a relevant judgment.
   */
  public PreparedEvaluation prepareForBatches() {
    return withQueries(List.of(new EvalQuery(BATCHES, null, null))).prepareChecked(false);
  }

  private static final String BATCHES = "(queries in batches)";

  /** Prepares and runs every system over every evaluated query. */
  public EvalReport run() {
    return prepare().run();
  }
}
