package io.lakebeam.transforms.eval;

import static com.google.common.base.Preconditions.checkArgument;

import io.lakebeam.core.eval.EvalQuery;
import io.lakebeam.core.eval.PreparedEvaluation;
import io.lakebeam.core.eval.RetrievalEvaluation;
import io.lakebeam.core.eval.RetrievalMetric;
import io.lakebeam.core.eval.RetrievalSystem;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.transforms.lake.LakeTarget;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.GroupIntoBatches;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * Evaluates retrieval systems over a queries table read with {@code Lake.read}: queries are sharded
 * and batched ({@link #withBatchSize}), each batch goes to each system as one request, per-query
 * metrics are summed per system and averaged into the rows {@code lakebeam eval} writes (one per
 * system and metric; schema of {@link io.lakebeam.core.eval.EvalResults}). See {@link
 * RetrievalEvaluation} for the metrics and the rule that credits chunks to documents.
 *
 * <pre>{@code
 * p.apply(Lake.read(lake, "kb.eval_queries"))
 *  .apply(Evaluate.retrieval(lake, "kb.chunks").withQrels("kb.eval_qrels")
 *      .withSystems("vector:embedding").withK(10))
 *  .apply(Lake.write(lake, "kb.eval_results"));
 * }</pre>
 *
 * <p>The qrels, the systems and the document ids are checked in {@code expand()}, before the
 * pipeline runs. A run with no query that has a relevant judgment emits no rows.
 */
public final class RetrievalEval extends PTransform<PCollection<Row>, PCollection<Row>> {
  /** Default queries per request. */
  public static final int DEFAULT_BATCH_SIZE = RetrievalEvaluation.DEFAULT_BATCH_SIZE;

  /** Default number of shards queries are batched in (parallel requests). */
  public static final int DEFAULT_SHARDS = 8;

  private final transient Lakehouse lakehouse;
  private final Settings s;

  private record Settings(
      String collection,
      String qrels,
      List<String> systems,
      List<String> metrics,
      String docIdColumn,
      int depth,
      int batchSize,
      int shards,
      String runId,
      Instant evaluatedAt)
      implements java.io.Serializable {}

  private RetrievalEval(Lakehouse lakehouse, Settings s) {
    this.lakehouse = lakehouse;
    this.s = s;
  }

  static RetrievalEval of(Lakehouse lakehouse, String collection) {
    return new RetrievalEval(
        lakehouse,
        new Settings(
            collection,
            null,
            List.of(),
            metricNames(RetrievalMetric.defaults(10)),
            RetrievalEvaluation.DEFAULT_DOC_ID_COLUMN,
            0,
            DEFAULT_BATCH_SIZE,
            DEFAULT_SHARDS,
            UUID.randomUUID().toString(),
            Instant.now()));
  }

  private static List<String> metricNames(List<RetrievalMetric> metrics) {
    return metrics.stream().map(RetrievalMetric::wireName).toList();
  }

  private RetrievalEval with(Settings n) {
    return new RetrievalEval(lakehouse, n);
  }

  /** The qrels table ({@code query_id, doc_id, relevance}). Required. */
  public RetrievalEval withQrels(String table) {
    checkArgument(table != null && !table.isBlank(), "Cannot read qrels from a blank table name");
    return with(
        new Settings(
            s.collection,
            table,
            s.systems,
            s.metrics,
            s.docIdColumn,
            s.depth,
            s.batchSize,
            s.shards,
            s.runId,
            s.evaluatedAt));
  }

  /** System specs ({@code vector:FIELD}, {@code bm25:FIELD}, {@code hybrid:A+B}). Required. */
  public RetrievalEval withSystems(String... specs) {
    checkArgument(specs.length > 0, "Cannot evaluate without systems: name e.g. vector:embedding");
    return with(
        new Settings(
            s.collection,
            s.qrels,
            List.of(specs),
            s.metrics,
            s.docIdColumn,
            s.depth,
            s.batchSize,
            s.shards,
            s.runId,
            s.evaluatedAt));
  }

  /** Reports ndcg@10, recall@k and mrr@k. Default k = 10; 1..10000. */
  public RetrievalEval withK(int k) {
    return withMetrics(metricNames(RetrievalMetric.defaults(k)).toArray(String[]::new));
  }

  /** The metrics, e.g. {@code "ndcg@10", "recall@100"}. Default ndcg@10, recall@10, mrr@10. */
  public RetrievalEval withMetrics(String... metrics) {
    List<String> parsed = metricNames(RetrievalMetric.parseAll(List.of(metrics)));
    return with(
        new Settings(
            s.collection,
            s.qrels,
            s.systems,
            parsed,
            s.docIdColumn,
            s.depth,
            s.batchSize,
            s.shards,
            s.runId,
            s.evaluatedAt));
  }

  /** The collection's column the qrels doc ids refer to. Default {@code doc_id}. */
  public RetrievalEval withDocIdColumn(String column) {
    checkArgument(column != null && !column.isBlank(), "Cannot use a blank doc id column");
    return with(
        new Settings(
            s.collection,
            s.qrels,
            s.systems,
            s.metrics,
            column,
            s.depth,
            s.batchSize,
            s.shards,
            s.runId,
            s.evaluatedAt));
  }

  /** Rows retrieved per query. Default 0: five times the largest cut-off, at least 50. */
  public RetrievalEval withDepth(int rows) {
    checkArgument(rows >= 0 && rows <= 10_000, "Cannot retrieve %s rows: use 0..10000", rows);
    return with(
        new Settings(
            s.collection,
            s.qrels,
            s.systems,
            s.metrics,
            s.docIdColumn,
            rows,
            s.batchSize,
            s.shards,
            s.runId,
            s.evaluatedAt));
  }

  /** Queries per request to a system. Default {@value #DEFAULT_BATCH_SIZE}; 1..10000. */
  public RetrievalEval withBatchSize(int size) {
    checkArgument(size >= 1 && size <= 10_000, "Cannot batch %s queries: use 1..10000", size);
    return with(
        new Settings(
            s.collection,
            s.qrels,
            s.systems,
            s.metrics,
            s.docIdColumn,
            s.depth,
            size,
            s.shards,
            s.runId,
            s.evaluatedAt));
  }

  /** Shards queries are batched in. Default {@value #DEFAULT_SHARDS}; 1..1024. */
  public RetrievalEval withShards(int shards) {
    checkArgument(shards >= 1 && shards <= 1024, "Cannot use %s shards: use 1..1024", shards);
    return with(
        new Settings(
            s.collection,
            s.qrels,
            s.systems,
            s.metrics,
            s.docIdColumn,
            s.depth,
            s.batchSize,
            shards,
            s.runId,
            s.evaluatedAt));
  }

  /** The run id of every row. Default: a random UUID drawn when the transform is made. */
  public RetrievalEval withRunId(String runId, Instant evaluatedAt) {
    checkArgument(runId != null && !runId.isBlank(), "Cannot use a blank run id");
    checkArgument(evaluatedAt != null, "Cannot use a null evaluation time");
    return with(
        new Settings(
            s.collection,
            s.qrels,
            s.systems,
            s.metrics,
            s.docIdColumn,
            s.depth,
            s.batchSize,
            s.shards,
            runId,
            evaluatedAt));
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> queries) {
    checkArgument(s.qrels != null, "Cannot evaluate %s: set withQrels(table)", s.collection);
    checkArgument(!s.systems.isEmpty(), "Cannot evaluate %s: set withSystems(...)", s.collection);
    QueryRows.check(queries.getSchema());
    EvalSettings settings =
        new EvalSettings(
            LakeTarget.of(lakehouse, s.collection),
            s.qrels,
            s.systems,
            s.metrics,
            s.docIdColumn,
            s.depth,
            s.batchSize);
    PreparedEvaluation checked = settings.prepare(); // fails now, not on a worker
    Collection c = settings.collection();
    Map<String, String> fields = new HashMap<>();
    Map<String, String> models = new HashMap<>();
    for (RetrievalSystem system : checked.systems()) {
      fields.put(system.name(), String.join(",", system.fields()));
      models.put(system.name(), system.models(c));
    }
    ResultRowsFn.RunInfo run =
        new ResultRowsFn.RunInfo(
            s.runId, s.evaluatedAt, c.name(), checked.snapshotId(), s.metrics, fields, models);
    return queries
        .apply("Parse queries", MapElements.via(new QueryRows(s.shards)))
        .setCoder(KvCoder.of(VarIntCoder.of(), SerializableCoder.of(EvalQuery.class)))
        .apply("Batch queries", GroupIntoBatches.ofSize(s.batchSize))
        .apply("Run systems", ParDo.of(new ScoreBatchFn(settings)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), SerializableCoder.of(MetricSums.class)))
        .apply("Sum per system", Combine.perKey(new MetricSums.Add()))
        .apply("Result rows", ParDo.of(new ResultRowsFn(run)))
        .setRowSchema(ResultRowsFn.SCHEMA);
  }
}
