package io.lakebeam.transforms.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebeam.core.eval.EvalFixture;
import io.lakebeam.core.eval.EvalQueries;
import io.lakebeam.core.eval.EvalReport;
import io.lakebeam.core.eval.EvalResultRow;
import io.lakebeam.core.eval.EvalResults;
import io.lakebeam.core.eval.Qrels;
import io.lakebeam.core.eval.RetrievalEvaluation;
import io.lakebeam.core.eval.RetrievalMetric;
import io.lakebeam.core.eval.RetrievalSystems;
import io.lakebeam.core.index.IndexParams;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.runners.Runner;
import io.lakebeam.transforms.Pipelines;
import io.lakebeam.transforms.lake.Lake;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Evaluate.retrieval()} on the Direct runner writes the rows {@code lakebeam eval} writes:
 * the same systems, metrics, values, query count and snapshot, batch by batch over shards.
 */
class EvaluateRetrievalTest {
  @TempDir Path dir;

  @Test
  void pipelineRowsEqualTheInProcessEvaluation() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      EvalFixture data = EvalFixture.chunks(lake, 300, 4, 11);
      Collection chunks = lake.collection("kb.chunks");
      lake.indexes()
          .build(
              chunks,
              "embedding",
              null,
              IndexParams.fromMap(Map.of("m", 8, "ef_construction", 40)));
      List<Integer> targets = IntStream.range(0, 120).boxed().toList();
      Collection queries = data.queries(lake, targets, 12);
      Map<String, Map<String, Integer>> judged = new LinkedHashMap<>();
      for (int t : targets) {
        // graded: the target document 2, its neighbour 1 (rarely retrieved: nDCG below 1)
        judged.put("q" + t, Map.of("d" + t, 2, "d" + (t + 1), 1));
      }
      EvalFixture.qrels(lake, "kb.eval_qrels", judged);
      Instant at = Instant.parse("2026-12-05T01:00:00Z");

      Pipelines.run(
          Runner.DIRECT,
          p ->
              p.apply(Lake.read(lake, "kb.eval_queries"))
                  .apply(
                      Evaluate.retrieval(lake, "kb.chunks")
                          .withQrels("kb.eval_qrels")
                          .withSystems("vector:embedding")
                          .withK(5)
                          .withBatchSize(16) // 120 queries over 8 shards: many requests
                          .withRunId("beam-run", at))
                  .apply(Lake.write(lake, "kb.eval_results")));

      EvalReport expected =
          RetrievalEvaluation.of(chunks.refreshMetadata())
              .withQueries(EvalQueries.read(queries))
              .withQrels(Qrels.read(lake.collection("kb.eval_qrels")))
              .withSystems(RetrievalSystems.parseAll(List.of("vector:embedding"), null))
              .withMetrics(RetrievalMetric.defaults(5))
              .run();
      List<EvalResultRow> rows = EvalResults.read(lake, "kb.eval_results");
      assertThat(rows).hasSize(3);
      for (EvalResultRow r : rows) {
        assertThat(r.runId()).isEqualTo("beam-run");
        assertThat(r.evaluatedAt()).isEqualTo(at);
        assertThat(r.snapshotId()).isEqualTo(expected.snapshotId());
        assertThat(r.queries()).isEqualTo(120);
        assertThat(r.models()).isEqualTo("embedding=unknown");
        assertThat(r.value())
            .as(r.metric())
            .isCloseTo(
                expected.value(r.system(), RetrievalMetric.parse(r.metric())),
                org.assertj.core.api.Assertions.within(1e-12));
      }
      assertThat(rows)
          .extracting(EvalResultRow::metric)
          .containsExactlyInAnyOrder("ndcg@10", "recall@5", "mrr@5");
      assertThat(expected.value("vector:embedding", RetrievalMetric.parse("ndcg@10")))
          .isBetween(0.5, 0.99);
    }
  }

  @Test
  void settingsAreCheckedBeforeThePipelineRuns() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      EvalFixture data = EvalFixture.chunks(lake, 10, 2, 1);
      data.queries(lake, List.of(1), 2);
      EvalFixture.qrels(lake, "kb.eval_qrels", Map.of("q1", Map.of("d1", 1)));
      assertThatThrownBy(
              () ->
                  Pipelines.run(
                      Runner.DIRECT,
                      p ->
                          p.apply(Lake.read(lake, "kb.eval_queries"))
                              .apply(
                                  Evaluate.retrieval(lake, "kb.chunks")
                                      .withQrels("kb.eval_qrels")
                                      .withSystems("vector:embedding"))))
          .hasMessageContaining("lakebeam index build kb.chunks --field embedding");
      assertThatThrownBy(() -> Evaluate.retrieval(lake, "kb.chunks").withMetrics("p@10"))
          .hasMessageContaining("Cannot evaluate metric 'p@10'");
      assertThatThrownBy(() -> Evaluate.retrieval(lake, "kb.chunks").withBatchSize(0))
          .hasMessageContaining("Cannot batch 0 queries: use 1..10000");
    }
  }
}
