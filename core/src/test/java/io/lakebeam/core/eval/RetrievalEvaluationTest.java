package io.lakebeam.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.lakebeam.core.index.IndexParams;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.read.LiveRows;
import io.lakebeam.core.read.TableState;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The evaluation on a real lakehouse: a real vector index, the chunk-to-document rule, errors. */
class RetrievalEvaluationTest {
  static final IndexParams PARAMS = IndexParams.fromMap(Map.of("m", 8, "ef_construction", 40));
  @TempDir Path dir;

  @Test
  void vectorSystemFindsEveryQuerysDocumentInBatches() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      // 3,000 chunks through the vector index; what is tested is the evaluation around it
      EvalFixture data = EvalFixture.chunks(lake, 600, 5, 7);
      Collection chunks = lake.collection("kb.chunks");
      lake.indexes().build(chunks, "embedding", null, PARAMS);
      List<Integer> targets = IntStream.range(0, 300).map(i -> i * 2).boxed().toList();
      Collection queries = data.queries(lake, targets, 8);
      Map<String, Map<String, Integer>> judged = new LinkedHashMap<>();
      for (int t : targets) {
        judged.put("q" + t, Map.of("d" + t, 1));
      }
      judged.put("q-unasked", Map.of("d1", 1)); // in the qrels, not in the queries: ignored
      EvalFixture.qrels(lake, "kb.eval_qrels", judged);

      EvalReport report =
          RetrievalEvaluation.of(chunks)
              .withQueries(EvalQueries.read(queries))
              .withQrels(Qrels.read(lake.collection("kb.eval_qrels")))
              .withSystems(RetrievalSystems.parseAll(List.of("vector:embedding"), null))
              .withBatchSize(64) // 300 queries: five requests
              .run();

      assertThat(report.queries()).isEqualTo(300);
      assertThat(report.snapshotId()).isEqualTo(chunks.snapshotId());
      RetrievalMetric mrr = RetrievalMetric.parse("mrr@10");
      // one relevant document per query, nearest to its query (the graph may miss one or two)
      assertThat(report.value("vector:embedding", mrr)).isGreaterThan(0.98);
      assertThat(report.value("vector:embedding", RetrievalMetric.parse("ndcg@10")))
          .isGreaterThan(0.98);
      assertThat(report.table()).contains("vector:embedding", "ndcg@10", "300 queries");

      List<EvalResultRow> rows = report.rows("run-1", Instant.parse("2026-12-05T00:00:00Z"));
      EvalResults.append(lake, EvalResults.defaultTable("kb.chunks"), rows);
      EvalResults.append(lake, "kb.eval_results", report.rows("run-2", Instant.now()));
      List<EvalResultRow> read = EvalResults.read(lake, "kb.eval_results");
      assertThat(read).hasSize(6).contains(rows.toArray(EvalResultRow[]::new));
      assertThat(read.get(0).models()).isEqualTo("embedding=unknown");
    }
  }

  @Test
  void chunksAreCreditedToTheirDocumentOnceAtTheBestRank() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      EvalFixture.chunks(lake, 4, 3, 1);
      Collection chunks = lake.collection("kb.chunks");
      Map<String, RetrievedRow> row = rowsByChunk(chunks);
      // q1: d0, d0 again, d2, d1 -> documents d0, d2, d1; d1 (rel 2) is at document rank 3
      // q2: nothing relevant retrieved; q3 has no relevant judgment and is not evaluated
      Map<String, List<RetrievedRow>> runs = new HashMap<>();
      runs.put(
          "q1",
          List.of(
              row.get("d0-c1"),
              row.get("d0-c0"),
              row.get("d2-c2"),
              row.get("d1-c0"),
              row.get("d1-c1")));
      runs.put("q2", List.of(row.get("d3-c0")));
      runs.put("q3", List.of(row.get("d3-c0")));
      RetrievalSystem fixed = new FixedRuns(runs);
      Qrels qrels =
          Qrels.of(
              Map.of(
                  "q1", Map.of("d1", 2, "d2", 1),
                  "q2", Map.of("d1", 1),
                  "q3", Map.of("d3", 0)));
      List<EvalQuery> queries =
          List.of(
              new EvalQuery("q1", "a", null),
              new EvalQuery("q2", "b", null),
              new EvalQuery("q3", "c", null));

      EvalReport report =
          RetrievalEvaluation.of(chunks)
              .withQueries(queries)
              .withQrels(qrels)
              .withSystems(List.of(fixed))
              .withMetrics(RetrievalMetric.parseAll(List.of("mrr@10", "recall@2", "ndcg@10")))
              .run();

      assertThat(report.queries()).isEqualTo(2);
      double log2of3 = Math.log(3) / Math.log(2);
      double ndcgQ1 = (1 / log2of3 + 2 / 2.0) / (2 + 1 / log2of3); // d2 at 2, d1 at 3
      assertThat(report.value("fixed", RetrievalMetric.parse("mrr@10"))).isEqualTo((0.5 + 0) / 2);
      assertThat(report.value("fixed", RetrievalMetric.parse("recall@2"))).isEqualTo(0.5 / 2);
      assertThat(report.value("fixed", RetrievalMetric.parse("ndcg@10")))
          .isCloseTo(ndcgQ1 / 2, within(1e-12));

      // with qrels on chunks, every row is its own document
      EvalReport byChunk =
          RetrievalEvaluation.of(chunks)
              .withQueries(queries)
              .withQrels(Qrels.of(Map.of("q1", Map.of("d0-c0", 1))))
              .withSystems(List.of(fixed))
              .withDocIdColumn("chunk_id")
              .run();
      assertThat(byChunk.value("fixed", RetrievalMetric.parse("mrr@10"))).isEqualTo(0.5);
    }
  }

  @Test
  void badInputSaysWhatToDo() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      EvalFixture data = EvalFixture.chunks(lake, 20, 2, 3);
      Collection chunks = lake.collection("kb.chunks");
      List<EvalQuery> queries = EvalQueries.read(data.queries(lake, List.of(1, 2), 4));
      RetrievalEvaluation base =
          RetrievalEvaluation.of(chunks)
              .withQueries(queries)
              .withSystems(RetrievalSystems.parseAll(List.of("vector:embedding"), null));

      Collection strangers =
          EvalFixture.qrels(lake, "kb.qrels_other", Map.of("q1", Map.of("x9", 1)));
      assertThatThrownBy(() -> base.withQrels(Qrels.read(strangers)).run())
          .hasMessageContaining("none of the 1 doc ids in the qrels (e.g. [x9]) matches a value")
          .hasMessageContaining("--doc-id-column");
      Qrels good = Qrels.of(Map.of("q1", Map.of("d1", 1)));
      assertThatThrownBy(() -> base.withQrels(Qrels.of(Map.of("q7", Map.of("d1", 1)))).run())
          .hasMessageContaining("none of the 2 queries has a relevant judgment in the qrels");
      assertThatThrownBy(() -> base.withQrels(good).run())
          .hasMessageContaining("field 'embedding' has no vector index")
          .hasMessageContaining("lakebeam index build kb.chunks --field embedding");
      assertThatThrownBy(() -> base.withQrels(good).withDocIdColumn("uri").run())
          .hasMessageContaining("has no column 'uri'")
          .hasMessageContaining("--doc-id-column");
      assertThatThrownBy(
              () -> base.withQrels(good).withSystems(List.of(new VectorSystem("vec2", null))).run())
          .hasMessageContaining("no vector field 'vec2'");
      assertThatThrownBy(() -> Qrels.read(chunks))
          .hasMessageContaining("has no column 'query_id'; a qrels table has the columns");
      assertThatThrownBy(() -> RetrievalSystems.parse("sparse:text", null))
          .hasMessageContaining("unknown kind 'sparse'; use one of [vector, bm25, hybrid]");
      assertThatThrownBy(() -> RetrievalSystems.parse("embedding", null))
          .hasMessageContaining("write KIND:FIELD");
      assertThatThrownBy(() -> RetrievalSystems.parse("hybrid:text", null))
          .hasMessageContaining("two or more fields joined by '+'");
      assertThatThrownBy(() -> RetrievalSystems.parse("vector:a+b", null))
          .hasMessageContaining("fuse several with hybrid:a+b");
    }
  }

  static Map<String, RetrievedRow> rowsByChunk(Collection c) {
    Map<String, RetrievedRow> out = new HashMap<>();
    TableState state = TableState.of(c.table());
    for (String path : state.paths()) {
      LiveRows.forEachInFile(
          c.table(),
          state,
          path,
          c.schema().select("chunk_id"),
          (pos, r) -> out.put((String) r.getField("chunk_id"), new RetrievedRow(path, pos)));
    }
    return out;
  }

  /** A system under evaluation whose rankings are given: checks the evaluation's arithmetic. */
  record FixedRuns(Map<String, List<RetrievedRow>> runs) implements RetrievalSystem {
    @Override
    public String name() {
      return "fixed";
    }

    @Override
    public List<String> fields() {
      return List.of();
    }

    @Override
    public String models(Collection c) {
      return "";
    }

    @Override
    public void check(Collection c, List<EvalQuery> queries) {}

    @Override
    public List<List<RetrievedRow>> retrieve(Collection c, List<EvalQuery> queries, int depth) {
      return queries.stream().map(q -> runs.getOrDefault(q.id(), List.of())).toList();
    }
  }
}
