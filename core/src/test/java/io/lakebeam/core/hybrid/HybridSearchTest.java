package io.lakebeam.core.hybrid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.TestData;
import io.lakebeam.core.index.IndexParams;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.CollectionWriter;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hybrid search over two indexed vector fields of 8,400 rows (above the exact-search shortcut of
 * 8,192 rows, so both legs search their graphs; small graph parameters keep the builds quick).
 */
class HybridSearchTest {
  static final int DIM = 16;
  static final int ROWS = 8_400;
  @TempDir static Path dir;
  static Lakehouse lake;
  static Collection docs;
  static float[][] a;
  static float[][] b;

  @BeforeAll
  static void setUp() {
    lake = Lakehouse.open(dir.toString());
    Map<String, String> schema = new LinkedHashMap<>(TestData.schema(DIM));
    schema.put("embedding_b", "float_vector(" + DIM + ")");
    docs = lake.createCollection("docs", schema, Metric.COSINE, false);
    Random rnd = new Random(7);
    a = new float[ROWS][];
    b = new float[ROWS][];
    try (CollectionWriter w = docs.newWriter()) {
      for (int i = 0; i < ROWS; i++) {
        a[i] = TestData.vector(rnd, DIM);
        b[i] = TestData.vector(rnd, DIM);
        Record r = GenericRecord.create(docs.schema());
        r.setField("id", (long) i);
        r.setField("lang", TestData.LANGS[i % 3]);
        r.setField("year", 2010 + i % 15);
        r.setField("text", "row " + i);
        r.setField("embedding", TestData.boxed(a[i]));
        r.setField("embedding_b", TestData.boxed(b[i]));
        w.write(r);
      }
      w.commit();
    }
    IndexParams quick = new IndexParams(8, 20, 64, 1.2f, 1.2f);
    lake.indexes().build(docs, "embedding", null, quick);
    lake.indexes().build(docs, "embedding_b", null, quick);
    docs = docs.refreshMetadata();
  }

  @AfterAll
  static void tearDown() throws Exception {
    lake.close();
  }

  private static HybridSearch.Request request(
      int[] queryRows, Ranker ranker, Rerank rerank, int k, String filter) {
    return request(queryRows, ranker, rerank, k, filter, HybridSearch.defaultLegTopK(k));
  }

  private static HybridSearch.Request request(
      int[] queryRows, Ranker ranker, Rerank rerank, int k, String filter, int legK) {
    float[][] qa = new float[queryRows.length][];
    float[][] qb = new float[queryRows.length][];
    for (int i = 0; i < queryRows.length; i++) {
      qa[i] = a[queryRows[i]];
      qb[i] = b[queryRows[i]];
    }
    return new HybridSearch.Request(
        List.of(new VectorLeg("embedding", qa, legK, 0), new VectorLeg("embedding_b", qb, legK, 0)),
        ranker,
        rerank,
        k,
        filter);
  }

  @Test
  void rowFoundByBothLegsRanksFirst() {
    List<HybridHit> hits =
        HybridSearch.run(docs, request(new int[] {42}, new Ranker.Rrf(60), null, 10, null)).get(0);

    assertThat(hits).hasSize(10);
    assertThat(hits.get(0).pos()).isEqualTo(42);
    assertThat(hits.get(0).legRanks()).containsExactly(1, 1);
    assertThat(hits.get(0).score()).isEqualTo((float) (2.0 / 61));
    for (int i = 1; i < hits.size(); i++) {
      assertThat(hits.get(i).score()).isLessThanOrEqualTo(hits.get(i - 1).score());
    }
  }

  @Test
  void filterAppliesToEveryLeg() {
    // id % 15 == 5 and id % 3 == 2: 667 rows (6.7%), a selective filter on the graph path
    String filter = "year = 2015 AND lang = 'fr'";
    List<HybridHit> hits =
        HybridSearch.run(docs, request(new int[] {42}, new Ranker.Rrf(60), null, 50, filter))
            .get(0);

    assertThat(hits).hasSize(50);
    boolean leg0 = false;
    boolean leg1 = false;
    for (HybridHit h : hits) {
      assertThat(h.pos() % 15).as("row %d", h.pos()).isEqualTo(5);
      assertThat(h.pos() % 3).as("row %d", h.pos()).isEqualTo(2);
      leg0 |= h.legRanks()[0] > 0 && h.legRanks()[1] == 0;
      leg1 |= h.legRanks()[1] > 0 && h.legRanks()[0] == 0;
    }
    assertThat(leg0).as("rows from leg 0 alone").isTrue();
    assertThat(leg1).as("rows from leg 1 alone").isTrue();
  }

  @Test
  void batchEqualsQueriesOneByOne() {
    int[] rows = {3, 500, 8_399};
    Ranker ranker = new Ranker.Weighted(new double[] {0.6, 0.4});
    List<List<HybridHit>> batch =
        HybridSearch.run(docs, request(rows, ranker, null, 5, "year >= 2012"));

    assertThat(batch).hasSize(3);
    for (int i = 0; i < rows.length; i++) {
      List<HybridHit> one =
          HybridSearch.run(docs, request(new int[] {rows[i]}, ranker, null, 5, "year >= 2012"))
              .get(0);
      assertThat(batch.get(i)).extracting(HybridHit::pos).isEqualTo(positions(one));
    }
  }

  @Test
  void numericRerankOrdersByTheColumn() {
    List<HybridHit> hits =
        HybridSearch.run(
                docs,
                request(
                    new int[] {42},
                    new Ranker.Rrf(60),
                    new NumericRerank("year", NumericRerank.Order.DESC, 0),
                    20,
                    null))
            .get(0);

    assertThat(hits).hasSize(20);
    for (int i = 1; i < hits.size(); i++) {
      assertThat(hits.get(i).score()).isLessThanOrEqualTo(hits.get(i - 1).score());
    }
    assertThat(hits.get(0).score()).isEqualTo(2024f); // some candidate of 100 has year 2024
  }

  @Test
  void mmrWithLambdaOneKeepsTheFusedOrder() {
    List<HybridHit> fused =
        HybridSearch.run(docs, request(new int[] {42}, new Ranker.Rrf(60), null, 10, null)).get(0);
    List<HybridHit> mmr =
        HybridSearch.run(
                docs,
                request(
                    new int[] {42}, new Ranker.Rrf(60), new MmrRerank("embedding", 1), 10, null))
            .get(0);

    assertThat(positions(mmr)).isEqualTo(positions(fused));
  }

  @Test
  void mmrWithLambdaZeroPicksTheLeastSimilarSecond() {
    HybridSearch.Request r =
        request(new int[] {42}, new Ranker.Rrf(60), new MmrRerank("embedding", 0), 2, null);
    List<HybridHit> all =
        HybridSearch.run(docs, request(new int[] {42}, new Ranker.Rrf(60), null, 1000, null, 50))
            .get(0); // the candidates MMR sees: the union of both legs' top 50
    List<HybridHit> mmr = HybridSearch.run(docs, r).get(0);

    assertThat(mmr.get(0).pos()).isEqualTo(all.get(0).pos()); // all equal: fused order decides
    long first = mmr.get(0).pos();
    long expected = -1;
    double lowest = Double.POSITIVE_INFINITY;
    for (HybridHit h : all) {
      double sim = cosine(a[(int) first], a[(int) h.pos()]);
      if (h.pos() != first && sim < lowest) {
        lowest = sim;
        expected = h.pos();
      }
    }
    assertThat(mmr.get(1).pos()).isEqualTo(expected);
  }

  @Test
  void crossEncoderStageOrdersByTheModelScore() {
    // a scorer standing in for a model: longer texts ("row 1234") score higher than shorter ones
    CrossEncoderRerank.PairScorer byLength =
        (q, passages) -> {
          float[] s = new float[passages.size()];
          for (int i = 0; i < s.length; i++) {
            s[i] = passages.get(i).length();
          }
          return s;
        };
    List<HybridHit> hits =
        HybridSearch.run(
                docs,
                request(
                    new int[] {42},
                    new Ranker.Rrf(60),
                    new CrossEncoderRerank(byLength, "text", List.of("q")),
                    5,
                    null))
            .get(0);
    assertThat(hits).extracting(HybridHit::score).containsOnly(8f); // "row dddd"
  }

  @Test
  void badInputIsRefusedWithWhatToDo() {
    float[][] q = {a[0]};
    assertThatThrownBy(
            () ->
                HybridSearch.run(
                    docs,
                    new HybridSearch.Request(
                        List.of(new VectorLeg("text", q, 50, 0)),
                        new Ranker.Rrf(60),
                        null,
                        5,
                        null)))
        .isInstanceOf(LakebeamException.class)
        .hasMessageContaining("it is not a vector field")
        .hasMessageContaining("lakebeam index build docs --field text --type bm25");

    assertThatThrownBy(
            () ->
                new HybridSearch.Request(
                    List.of(
                        new VectorLeg("embedding", q, 50, 0),
                        new VectorLeg("embedding_b", q, 50, 0)),
                    new Ranker.Weighted(new double[] {1}),
                    null,
                    5,
                    null))
        .hasMessageContaining("Cannot fuse 2 legs with 1 weights");

    assertThatThrownBy(
            () ->
                new HybridSearch.Request(
                    List.of(
                        new VectorLeg("embedding", q, 50, 0),
                        new VectorLeg("embedding_b", new float[][] {a[0], a[1]}, 50, 0)),
                    new Ranker.Rrf(60),
                    null,
                    5,
                    null))
        .hasMessageContaining("leg 0 has 1 queries but leg 1");

    assertThatThrownBy(
            () ->
                HybridSearch.run(
                    docs,
                    request(
                        new int[] {0},
                        new Ranker.Rrf(60),
                        new NumericRerank("lang", NumericRerank.Order.ASC, 0),
                        5,
                        null)))
        .hasMessageContaining("Cannot rerank by 'lang': it is a string column");
    assertThatThrownBy(() -> NumericRerank.Order.parse("newest"))
        .hasMessageContaining("use asc, desc or boost");
  }

  @Test
  void legOnAFieldWithoutAnIndexNamesTheCommand() {
    Map<String, String> schema = new LinkedHashMap<>(TestData.schema(DIM));
    Collection bare = lake.createCollection("bare", schema, Metric.COSINE, false);
    TestData.insert(bare, 0, 10, DIM, 3);

    assertThatThrownBy(
            () ->
                HybridSearch.run(
                    bare,
                    new HybridSearch.Request(
                        List.of(new VectorLeg("embedding", new float[][] {a[0]}, 50, 0)),
                        new Ranker.Rrf(60),
                        null,
                        5,
                        null)))
        .isInstanceOf(LakebeamException.class)
        .hasMessageContaining(
            "the field has no index; build it with lakebeam index build bare"
                + " --field embedding");
  }

  private static List<Long> positions(List<HybridHit> hits) {
    List<Long> out = new ArrayList<>();
    hits.forEach(h -> out.add(h.pos()));
    return out;
  }

  private static double cosine(float[] x, float[] y) {
    double dot = 0;
    double nx = 0;
    double ny = 0;
    for (int i = 0; i < x.length; i++) {
      dot += x[i] * y[i];
      nx += x[i] * x[i];
      ny += y[i] * y[i];
    }
    return dot / Math.sqrt(nx * ny);
  }
}
