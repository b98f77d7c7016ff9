package io.lakebeam.cli;

import io.lakebeam.core.eval.EvalQueries;
import io.lakebeam.core.eval.EvalReport;
import io.lakebeam.core.eval.EvalResults;
import io.lakebeam.core.eval.Qrels;
import io.lakebeam.core.eval.RetrievalEvaluation;
import io.lakebeam.core.eval.RetrievalMetric;
import io.lakebeam.core.eval.RetrievalSystems;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.transforms.eval.ModelQueryEncoder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lakebeam eval}: retrieval quality of systems on a collection, printed as a table and
 * appended to an Iceberg results table.
 *
 * <pre>{@code
 * lakebeam eval kb.chunks --queries kb.eval_queries --qrels kb.eval_qrels \
 *     --systems bm25:text,vector:embedding,hybrid:text+embedding --k 10
 * }</pre>
 */
@Command(
    name = "eval",
    description =
        "Evaluate retrieval (recall@k, nDCG@10, MRR@k) of systems against a queries table and"
            + " qrels; append the results to an Iceberg table.")
final class EvalCommand implements Callable<Integer> {
  @Mixin LakehouseOption lakehouse;

  @Parameters(paramLabel = "COLLECTION")
  String collection;

  @Option(
      names = "--queries",
      required = true,
      description = "Queries table: query_id, text and/or a vector column per field")
  String queries;

  @Option(
      names = "--qrels",
      required = true,
      description = "Qrels table: query_id, doc_id, relevance")
  String qrels;

  @Option(
      names = "--systems",
      required = true,
      split = ",",
      description = "Systems: vector:FIELD, bm25:FIELD, hybrid:FIELD+FIELD (comma-separated)")
  List<String> systems;

  @Option(
      names = {"--k", "-k"},
      defaultValue = "10",
      description = "Cut-off of recall and MRR (nDCG is @10) (default: ${DEFAULT-VALUE})")
  int k;

  @Option(
      names = "--metrics",
      split = ",",
      description = "Metrics instead of the defaults, e.g. ndcg@10,recall@100,mrr@10")
  List<String> metrics = new ArrayList<>();

  @Option(
      names = "--doc-id-column",
      defaultValue = RetrievalEvaluation.DEFAULT_DOC_ID_COLUMN,
      description =
          "The collection's column the qrels doc ids refer to (default: ${DEFAULT-VALUE})")
  String docIdColumn;

  @Option(
      names = "--depth",
      defaultValue = "0",
      description = "Rows retrieved per query (default: 5 x the largest cut-off, at least 50)")
  int depth;

  @Option(
      names = "--output",
      description = "Results table (default: <namespace>.eval_results); appended")
  String output;

  @Option(names = "--run-id", description = "Run id of the rows (default: a random UUID)")
  String runId;

  @Option(names = "--no-write", description = "Print only; write no results")
  boolean noWrite;

  @Override
  public Integer call() throws Exception {
    try (Lakehouse lake = lakehouse.open()) {
      Collection c = lake.collection(collection);
      EvalReport report =
          RetrievalEvaluation.of(c)
              .withQueries(EvalQueries.read(lake.collection(queries)))
              .withQrels(Qrels.read(lake.collection(qrels)))
              .withSystems(RetrievalSystems.parseAll(systems, ModelQueryEncoder.INSTANCE))
              .withMetrics(
                  metrics.isEmpty()
                      ? RetrievalMetric.defaults(k)
                      : RetrievalMetric.parseAll(metrics))
              .withDocIdColumn(docIdColumn)
              .withDepth(depth)
              .run();
      System.out.print(report.table());
      String id = runId == null ? UUID.randomUUID().toString() : runId;
      String table = output == null ? EvalResults.defaultTable(collection) : output;
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("run_id", id);
      summary.put("snapshot_id", report.snapshotId());
      summary.put("queries", report.queries());
      if (!noWrite) {
        EvalResults.append(lake, table, report.rows(id, Instant.now()));
        summary.put("results_table", table);
      }
      Map<String, Object> values = new LinkedHashMap<>();
      for (EvalReport.SystemScores s : report.systems()) {
        Map<String, Double> perMetric = new LinkedHashMap<>();
        for (int m = 0; m < report.metrics().size(); m++) {
          perMetric.put(report.metrics().get(m).wireName(), s.means()[m]);
        }
        values.put(s.system(), perMetric);
      }
      summary.put("systems", values);
      Printer.jsonLine(summary);
    }
    return 0;
  }
}
