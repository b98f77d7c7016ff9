package io.lakebeam.flight;

import static io.lakebeam.flight.FlightFixture.assertFlightError;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.core.TestData;
import io.lakebeam.core.index.IndexParams;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.CollectionWriter;
import io.lakebeam.core.lake.Metric;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hybrid search ticket: two vector legs, rankers, rerank, filters, batches, bad input. */
class HybridSearchFlightTest {
  static final int DIM = FlightFixture.DIM;
  static final int ROWS = 600;
  @TempDir static Path dir;
  static FlightFixture f;
  static float[][][] v;

  @org.junit.jupiter.api.BeforeAll
  static void start() throws Exception {
    f = FlightFixture.start(dir);
    v = seed(f);
  }

  @org.junit.jupiter.api.AfterAll
  static void stop() throws Exception {
    f.close();
  }

  /** "kb" with two indexed vector fields; returns {a, b} vectors by id. Shared by the tests. */
  static float[][][] seed(FlightFixture f) {
    Map<String, String> schema = new LinkedHashMap<>(FlightFixture.docsSchema(DIM));
    schema.put("embedding_b", "float_vector(" + DIM + ")");
    schema.put("meta", "string");
    Collection c = f.lake.createCollection("kb", schema, Metric.COSINE, false);
    Random rnd = new Random(11);
    float[][][] v = new float[2][ROWS][];
    try (CollectionWriter w = c.newWriter()) {
      for (int i = 0; i < ROWS; i++) {
        v[0][i] = TestData.vector(rnd, DIM);
        v[1][i] = TestData.vector(rnd, DIM);
        Record r = GenericRecord.create(c.schema());
        r.setField("id", (long) i);
        r.setField("lang", FlightFixture.lang(i));
        r.setField("year", FlightFixture.year(i));
        r.setField("text", "row " + i);
        r.setField("embedding", TestData.boxed(v[0][i]));
        r.setField("embedding_b", TestData.boxed(v[1][i]));
        r.setField("meta", "{\"k\": " + (i % 4) + "}");
        w.write(r);
      }
      w.commit();
    }
    f.lake.indexes().build(c, "embedding", null, IndexParams.defaults());
    f.lake.indexes().build(c, "embedding_b", null, IndexParams.defaults());
    f.lake.textIndexes().build(c, "text", "standard");
    return v;
  }

  static Map<String, Object> leg(String field, float[]... queries) {
    Map<String, Object> leg = new LinkedHashMap<>();
    leg.put("field", field);
    leg.put("vectors", java.util.Arrays.stream(queries).map(TestData::boxed).toList());
    return leg;
  }

  static Map<String, Object> ticket(float[][][] v, int... ids) {
    float[][] qa = new float[ids.length][];
    float[][] qb = new float[ids.length][];
    for (int i = 0; i < ids.length; i++) {
      qa[i] = v[0][ids[i]];
      qb[i] = v[1][ids[i]];
    }
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("type", "hybrid");
    t.put("collection", "kb");
    t.put("legs", List.of(leg("embedding", qa), leg("embedding_b", qb)));
    t.put("top_k", 5);
    return t;
  }

  @Test
  void rrfOverTwoVectorFieldsWithLegColumnsAndOutputFields() {
    {
      Map<String, Object> t = ticket(v, 42);
      t.put("ranker", Map.of("type", "rrf", "k", 60));
      t.put("output_fields", List.of("id", "text"));

      List<Map<String, Object>> rows = f.search(t);

      assertThat(rows).hasSize(5);
      Map<String, Object> top = rows.get(0);
      assertThat(top).containsEntry("id", 42L).containsEntry("text", "row 42");
      assertThat(top).containsEntry("_rank_0", 1).containsEntry("_rank_1", 1);
      assertThat((Float) top.get("_score")).isEqualTo((float) (2.0 / 61));
      assertThat(top.get("_fused_score")).isEqualTo(top.get("_score"));
      assertThat((Float) top.get("_score_0"))
          .isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));

      FlightInfo info = f.client.getInfo(FlightDescriptor.command(Json.bytes(t)));
      assertThat(info.getSchemaOptional().orElseThrow().getFields())
          .extracting(org.apache.arrow.vector.types.pojo.Field::getName)
          .containsExactly(
              "query_index",
              "rank",
              "_score",
              "_fused_score",
              "_file",
              "_pos",
              "_rank_0",
              "_score_0",
              "_rank_1",
              "_score_1",
              "id",
              "text");
    }
  }

  @Test
  void weightedBatchWithAFilterOnEveryLeg() throws Exception {
    {
      Map<String, Object> t = ticket(v, 7, 300);
      t.put("ranker", Map.of("type", "weighted", "weights", List.of(0.7, 0.3)));
      t.put("filter", "year = 2012 AND lang = 'fr'"); // id % 15 == 2 (so id % 3 == 2): 40 rows
      t.put("top_k", 20);
      t.put("output_fields", List.of("id"));

      List<Map<String, Object>> rows = f.search(t);

      assertThat(rows).hasSize(40); // 20 per query
      assertThat(rows).extracting(r -> r.get("query_index")).containsOnly(0, 1);
      for (Map<String, Object> r : rows) {
        long id = (Long) r.get("id");
        assertThat(id % 15).isEqualTo(2);
        assertThat(id % 3).isEqualTo(2);
        assertThat((Float) r.get("_score")).isBetween(0f, 1f);
      }
    }
  }

  @Test
  void jsonPathFilterOnEveryLeg() {
    Map<String, Object> t = ticket(v, 7);
    t.put("filter", "meta[\"k\"] = 3");
    t.put("top_k", 10);
    t.put("output_fields", List.of("id", "meta"));

    List<Map<String, Object>> rows = f.search(t);

    assertThat(rows).hasSize(10);
    assertThat(rows.get(0)).containsEntry("id", 7L).containsEntry("meta", "{\"k\": 3}");
    assertThat(rows).allSatisfy(r -> assertThat((Long) r.get("id") % 4).isEqualTo(3));
  }

  @Test
  void textLegThroughTheTicket() {
    Map<String, Object> t = ticket(v, 42);
    t.put(
        "legs",
        List.of(leg("embedding", v[0][42]), Map.of("field", "text", "match", List.of("42"))));
    t.put("output_fields", List.of("id"));

    List<Map<String, Object>> rows = f.search(t);

    assertThat(rows.get(0))
        .containsEntry("id", 42L)
        .containsEntry("_rank_0", 1)
        .containsEntry("_rank_1", 1);
    assertThat((Float) rows.get(0).get("_score_1")).isPositive(); // the BM25 score
    assertThat(rows.get(1).get("_rank_1")).isNull(); // no other row holds the term
  }

  @Test
  void numericAndMmrRerankStages() throws Exception {
    {
      Map<String, Object> t = ticket(v, 42);
      t.put("rerank", Map.of("type", "numeric", "field", "year", "order", "asc"));
      t.put("output_fields", List.of("year"));
      List<Map<String, Object>> rows = f.search(t);
      assertThat(rows).extracting(r -> r.get("year")).isSorted();
      assertThat(rows.get(0)).containsEntry("year", 2010);

      t.put("rerank", Map.of("type", "mmr", "field", "embedding", "lambda", 1.0));
      t.put("output_fields", List.of("id"));
      List<Map<String, Object>> mmr = f.search(t);
      t.remove("rerank");
      List<Map<String, Object>> fused = f.search(t);
      assertThat(mmr)
          .extracting(r -> r.get("id"))
          .isEqualTo(fused.stream().map(r -> r.get("id")).toList());
    }
  }

  @Test
  void badInputIsInvalidArgumentWithWhatToDo() throws Exception {
    {
      Map<String, Object> t = ticket(v, 1);
      t.put("legs", List.of(leg("embedding", v[0][1])));

      t.put("ranker", Map.of("type", "borda"));
      assertFlightError(
          () -> f.search(t), FlightStatusCode.INVALID_ARGUMENT, "Cannot fuse with ranker 'borda'");

      t.put("ranker", Map.of("type", "weighted", "weights", List.of(0.5, 0.5)));
      assertFlightError(
          () -> f.search(t),
          FlightStatusCode.INVALID_ARGUMENT,
          "Cannot fuse 1 legs with 2 weights [0.5, 0.5]: give one weight per leg");
      t.remove("ranker");

      t.put("rerank", Map.of("type", "cohere"));
      assertFlightError(
          () -> f.search(t),
          FlightStatusCode.INVALID_ARGUMENT,
          "use mmr, numeric or cross_encoder");
      // a client cannot make the server load a file outside its allowed roots as a model
      t.put(
          "rerank",
          Map.of("type", "cross_encoder", "model", "/etc/passwd", "queries", List.of("q")));
      assertFlightError(
          () -> f.search(t),
          FlightStatusCode.INVALID_ARGUMENT,
          "Cannot load cross-encoder file /etc/passwd: it is outside the server's allowed roots");
      t.remove("rerank");

      Map<String, Object> typo = leg("embedding", v[0][1]);
      typo.put("topk", 10);
      t.put("legs", List.of(typo));
      assertFlightError(
          () -> f.search(t),
          FlightStatusCode.INVALID_ARGUMENT,
          "unknown key 'topk'; did you mean 'top_k'?");

      f.createDocs("bare"); // no index
      f.putDocs("bare", 0, FlightFixture.vectors(10, 3));
      Map<String, Object> bare = new LinkedHashMap<>(t);
      bare.put("collection", "bare");
      bare.put("legs", List.of(leg("embedding", v[0][1])));
      assertFlightError(
          () -> f.client.getInfo(FlightDescriptor.command(Json.bytes(bare))),
          FlightStatusCode.INVALID_ARGUMENT,
          "the field has no index; build it with lakebeam index build bare --field embedding");

      t.put("legs", List.of(leg("text", v[0][1])));
      assertFlightError(
          () -> f.search(t),
          FlightStatusCode.INVALID_ARGUMENT,
          "it is not a vector field",
          "lakebeam index build kb --field text --type bm25");

      t.put("legs", List.of(Map.of("field", "lang", "match", List.of("en"))));
      assertFlightError(
          () -> f.search(t),
          FlightStatusCode.INVALID_ARGUMENT,
          "the field has no text index; build it with lakebeam index build kb --field lang"
              + " --type bm25");
    }
  }
}
