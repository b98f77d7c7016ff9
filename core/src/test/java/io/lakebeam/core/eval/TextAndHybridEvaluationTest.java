package io.lakebeam.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebeam.core.TestData;
import io.lakebeam.core.index.IndexParams;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BM25 and hybrid systems on real text and vector indexes: half the queries name their document's
 * only word (BM25 finds them, their vectors are random), half carry their document's vector and no
 * word of the corpus (the vector index finds them); the hybrid finds both.
 */
class TextAndHybridEvaluationTest {
  @TempDir Path dir;

  @Test
  void hybridFindsWhatEitherLegFinds() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      EvalFixture data = EvalFixture.chunks(lake, 300, 2, 21);
      Collection chunks = lake.collection("kb.chunks");
      lake.indexes()
          .build(
              chunks,
              "embedding",
              null,
              IndexParams.fromMap(Map.of("m", 8, "ef_construction", 40)));
      lake.textIndexes().build(chunks, "text", "standard");
      Random rnd = new Random(22);
      List<EvalQuery> queries = new ArrayList<>();
      Map<String, Map<String, Integer>> judged = new LinkedHashMap<>();
      for (int t = 0; t < 100; t++) {
        boolean byWord = t % 2 == 0;
        // a Lucene operator and a '-' in the text: sent as plain words, not query syntax
        String text = byWord ? "AND (what is -" + EvalFixture.word(t) + ")" : "nothing AND here";
        float[] v = byWord ? TestData.vector(rnd, EvalFixture.DIM) : data.centres[t];
        queries.add(new EvalQuery("q" + t, text, Map.of("embedding", v)));
        judged.put("q" + t, Map.of("d" + t, 1));
      }
      EvalReport report =
          RetrievalEvaluation.of(chunks)
              .withQueries(queries)
              .withQrels(Qrels.of(judged))
              .withSystems(
                  RetrievalSystems.parseAll(
                      List.of("bm25:text", "vector:embedding", "hybrid:text+embedding"), null))
              .withBatchSize(32)
              .run();

      RetrievalMetric recall = RetrievalMetric.parse("recall@10");
      assertThat(report.value("bm25:text", recall)).isEqualTo(0.5);
      assertThat(report.value("vector:embedding", recall)).isBetween(0.5, 0.6);
      assertThat(report.value("hybrid:text+embedding", recall)).isEqualTo(1.0);
      assertThat(report.systems().get(2).models())
          .isEqualTo("text=bm25/standard,embedding=unknown;rrf(60)");
    }
  }

  @Test
  void aFieldWithoutATextIndexSaysWhichCommandBuildsIt() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      EvalFixture.chunks(lake, 20, 2, 1);
      RetrievalEvaluation eval =
          RetrievalEvaluation.of(lake.collection("kb.chunks"))
              .withQueries(List.of(new EvalQuery("q1", "zebb", null)))
              .withQrels(Qrels.of(Map.of("q1", Map.of("d1", 1))));
      for (String system : List.of("bm25:text", "hybrid:text+embedding")) {
        assertThatThrownBy(
                () -> eval.withSystems(RetrievalSystems.parseAll(List.of(system), null)).run())
            .hasMessageContaining("field 'text' has no text index")
            .hasMessageContaining("lakebeam index build kb.chunks --field text --type bm25");
      }
      assertThatThrownBy(
              () -> eval.withSystems(RetrievalSystems.parseAll(List.of("bm25:nope"), null)).run())
          .hasMessageContaining("has no column 'nope'");
    }
  }
}
