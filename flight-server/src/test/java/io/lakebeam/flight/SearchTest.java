package io.lakebeam.flight;

import static io.lakebeam.flight.FlightFixture.id;
import static io.lakebeam.flight.FlightFixture.lang;
import static io.lakebeam.flight.FlightFixture.searchTicket;
import static io.lakebeam.flight.FlightFixture.year;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;
import java.util.stream.IntStream;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.vector.types.pojo.Field;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Search through DoGet tickets and GetFlightInfo, exact and indexed, with filters. */
class SearchTest {
  static final int ROWS = 200;
  @TempDir Path dir;

  /** 200 docs rows in two files: ids 0..119, then 120..199. Returns the vectors by id. */
  static List<float[]> seed(FlightFixture f) throws Exception {
    f.createDocs("docs");
    List<float[]> first = FlightFixture.vectors(120, 1);
    List<float[]> second = FlightFixture.vectors(ROWS - 120, 2);
    f.putDocs("docs", 0, first);
    f.putDocs("docs", 120, second);
    List<float[]> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }

  static void createIndex(FlightFixture f) {
    Map<String, Object> built =
        f.action("create_index", Map.of("collection", "docs", "field", "embedding"));
    assertThat(built)
        .containsEntry("field", "embedding")
        .containsEntry("rows_indexed", ROWS)
        .containsEntry("rows_skipped", 0);
  }

  static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }

  /** Ids of the exact top k by cosine similarity among the ids {@code accept} lets through. */
  static List<Long> exactTopK(List<float[]> vectors, float[] q, int k, LongPredicate accept) {
    return IntStream.range(0, vectors.size())
        .filter(i -> accept.test(i))
        .boxed()
        .sorted(Comparator.comparingDouble((Integer i) -> -cosine(q, vectors.get(i))))
        .limit(k)
        .map(Integer::longValue)
        .toList();
  }

  static Map<String, Object> ticket(List<float[]> queries, int topK, String... outputFields) {
    Map<String, Object> t = searchTicket("docs", queries, topK);
    t.put("output_fields", List.of(outputFields));
    return t;
  }

  @Test
  void exactBeforeIndexThenIndexedFindsEachVectorItself() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir)) {
      List<float[]> vectors = seed(f);
      float[] q = vectors.get(42);

      List<Map<String, Object>> exact = f.search(ticket(List.of(q), 5, "id", "text"));
      assertThat(exact)
          .extracting(FlightFixture::id)
          .containsExactlyElementsOf(exactTopK(vectors, q, 5, i -> true));
      assertThat(exact.get(0).keySet())
          .containsExactly(
              "query_index", "rank", "_score", "_distance", "_file", "_pos", "id", "text");
      assertThat(exact).extracting(r -> r.get("rank")).containsExactly(0, 1, 2, 3, 4);
      assertThat((float) exact.get(0).get("_score")).isCloseTo(1f, within(1e-4f));
      assertThat((float) exact.get(0).get("_distance")).isCloseTo(0f, within(1e-4f));
      for (Map<String, Object> hit : exact) {
        long id = id(hit);
        assertThat((float) hit.get("_score"))
            .isCloseTo((float) cosine(q, vectors.get((int) id)), within(1e-4f));
        assertThat((float) hit.get("_distance"))
            .isCloseTo(1f - (float) hit.get("_score"), within(1e-5f));
      }
      assertThat(exact)
          .extracting(r -> (float) r.get("_score"))
          .isSortedAccordingTo(Comparator.reverseOrder());

      createIndex(f);
      Map<String, Object> index = FlightFixture.list(f.describe("docs"), "indexes").get(0);
      assertThat(index)
          .containsEntry("field", "embedding")
          .containsEntry("stale", false)
          .containsEntry("rows", ROWS);

      for (int id = 0; id < ROWS; id += 17) {
        List<Map<String, Object>> hits = f.search(ticket(List.of(vectors.get(id)), 3, "id"));
        assertThat(hits).hasSize(3);
        assertThat(id(hits.get(0))).as("nearest neighbour of row %d", id).isEqualTo(id);
      }
      // a search that asks for more than 10 gets them (default top_k is 10)
      Map<String, Object> noTopK = ticket(List.of(q), 1);
      noTopK.remove("top_k");
      assertThat(f.search(noTopK)).hasSize(10);
      assertThat(f.search(ticket(List.of(q), 37))).hasSize(37);
      assertThat(f.search(ticket(List.of(q), 1000)))
          .as("fewer rows than top_k: all of them")
          .hasSize(ROWS);
    }
  }

  @Test
  void outputFieldsCarryTheRowsValuesAndLocation() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir)) {
      List<float[]> vectors = seed(f);
      createIndex(f);
      List<Map<String, Object>> hits =
          f.search(
              ticket(List.of(vectors.get(150)), 20, "text", "year", "lang", "id", "embedding"));
      assertThat(hits).hasSize(20);
      assertThat(hits.get(0).keySet()).endsWith("text", "year", "lang", "id", "embedding");
      for (Map<String, Object> hit : hits) {
        long id = id(hit);
        assertThat(hit)
            .containsEntry("text", "row " + id)
            .containsEntry("year", year(id))
            .containsEntry("lang", lang(id));
        // _file/_pos locate the row: one file per put, rows in put order
        assertThat((long) hit.get("_pos")).isEqualTo(id < 120 ? id : id - 120);
        List<?> embedding = (List<?>) hit.get("embedding");
        assertThat(embedding).hasSize(FlightFixture.DIM);
        assertThat(((Number) embedding.get(3)).floatValue()).isEqualTo(vectors.get((int) id)[3]);
      }
      assertThat(hits).extracting(h -> h.get("_file")).doesNotContainNull();
      assertThat(hits.stream().filter(h -> id(h) < 120).map(h -> h.get("_file")).distinct())
          .hasSizeLessThanOrEqualTo(1);
    }
  }

  @Test
  void batchOfQueriesIsOrderedByQueryIndexThenRank() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir)) {
      List<float[]> vectors = seed(f);
      createIndex(f);
      List<float[]> queries = List.of(vectors.get(7), vectors.get(130), vectors.get(199));
      List<Map<String, Object>> hits = f.search(ticket(queries, 4, "id"));
      assertThat(hits).hasSize(12);
      assertThat(hits)
          .extracting(h -> h.get("query_index"))
          .containsExactly(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2);
      assertThat(hits)
          .extracting(h -> h.get("rank"))
          .containsExactly(0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3);
      assertThat(List.of(id(hits.get(0)), id(hits.get(4)), id(hits.get(8))))
          .containsExactly(7L, 130L, 199L);
    }
  }

  @ParameterizedTest(name = "indexed={0}")
  @ValueSource(booleans = {false, true})
  void filterReturnsOnlyMatchingRows(boolean indexed) throws Exception {
    try (FlightFixture f = FlightFixture.start(dir)) {
      List<float[]> vectors = seed(f);
      if (indexed) {
        createIndex(f);
      }
      float[] q = vectors.get(5);
      // lang = 'en' (id % 3 == 0) and year >= 2020 (id % 15 >= 10): ids = 12 mod 15, 13 of them
      LongPredicate enRecent = id -> lang(id).equals("en") && year(id) >= 2020;
      assertThat(IntStream.range(0, ROWS).filter(i -> enRecent.test(i)).count()).isEqualTo(13);
      Map<String, Object> t = ticket(List.of(q), 10, "id", "lang", "year");
      t.put("filter", "lang = 'en' AND year >= 2020");
      List<Map<String, Object>> hits = f.search(t);
      assertThat(hits).hasSize(10);
      assertThat(hits).allSatisfy(h -> assertThat(h).containsEntry("lang", "en"));
      assertThat(hits)
          .allSatisfy(h -> assertThat((int) h.get("year")).isGreaterThanOrEqualTo(2020));
      assertThat(hits)
          .extracting(FlightFixture::id)
          .containsExactlyElementsOf(exactTopK(vectors, q, 10, enRecent));

      // very selective: 3 rows, and 2 rows, match; asking for 10 returns exactly those
      Map<String, Object> three = ticket(List.of(q), 10, "id");
      three.put("filter", "id IN (3, 77, 150)");
      assertThat(f.search(three))
          .extracting(FlightFixture::id)
          .containsExactlyInAnyOrder(3L, 77L, 150L);
      Map<String, Object> two = ticket(List.of(q), 10, "id", "text");
      two.put("filter", "lang = 'de' AND id < 5");
      assertThat(f.search(two)).extracting(FlightFixture::id).containsExactlyInAnyOrder(1L, 4L);
      Map<String, Object> one = ticket(List.of(vectors.get(0)), 10, "id");
      one.put("filter", "text = 'row 199'");
      assertThat(f.search(one)).extracting(FlightFixture::id).containsExactly(199L);
      Map<String, Object> none = ticket(List.of(q), 10, "id");
      none.put("filter", "year > 3000");
      assertThat(f.search(none)).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"cosine", "dot", "l2"})
  void scoresAndDistancesFollowTheMetric(String metric) throws Exception {
    try (FlightFixture f = FlightFixture.start(dir)) {
      f.action(
          "create_collection",
          Map.of("collection", "m", "schema", FlightFixture.docsSchema(8), "metric", metric));
      List<float[]> vectors = FlightFixture.vectors(30, 8, 4);
      f.putDocs("m", 0, vectors);
      float[] q = FlightFixture.vectors(1, 8, 99).get(0);
      for (boolean indexed : new boolean[] {false, true}) {
        if (indexed) {
          f.action("create_index", Map.of("collection", "m"));
        }
        Map<String, Object> t = searchTicket("m", List.of(q), 30);
        t.put("output_fields", List.of("id"));
        List<Map<String, Object>> hits = f.search(t);
        assertThat(hits).hasSize(30);
        for (Map<String, Object> hit : hits) {
          float[] v = vectors.get((int) id(hit));
          double dot = 0;
          double l2 = 0;
          for (int i = 0; i < v.length; i++) {
            dot += q[i] * v[i];
            l2 += (q[i] - v[i]) * (q[i] - v[i]);
          }
          double score;
          double distance;
          switch (metric) {
            case "cosine" -> {
              score = cosine(q, v);
              distance = 1 - score;
            }
            case "dot" -> {
              score = dot;
              distance = -dot;
            }
            default -> {
              score = 1 / (1 + l2);
              distance = l2;
            }
          }
          float tolerance = 1e-3f * (float) Math.max(1, Math.abs(distance));
          assertThat((float) hit.get("_score"))
              .as("%s score, indexed=%s", metric, indexed)
              .isCloseTo((float) score, within(tolerance));
          assertThat((float) hit.get("_distance"))
              .as("%s distance", metric)
              .isCloseTo((float) distance, within(tolerance));
        }
        assertThat(hits)
            .extracting(h -> (float) h.get("_score"))
            .isSortedAccordingTo(Comparator.reverseOrder());
        assertThat(hits).extracting(h -> (float) h.get("_distance")).isSorted();
      }
    }
  }

  @Test
  void getFlightInfoWithSearchCommandReturnsOneWorkingEndpoint() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir)) {
      List<float[]> vectors = seed(f);
      createIndex(f);
      Map<String, Object> t = ticket(List.of(vectors.get(9), vectors.get(10)), 3, "text");
      t.put("filter", "year < 2024");
      FlightInfo info = f.client.getInfo(FlightDescriptor.command(Json.bytes(t)));
      assertThat(info.getEndpoints()).hasSize(1);
      assertThat(info.getSchemaOptional().orElseThrow().getFields())
          .extracting(Field::getName)
          .containsExactly("query_index", "rank", "_score", "_distance", "_file", "_pos", "text");
      List<Map<String, Object>> hits = f.get(info.getEndpoints().get(0).getTicket());
      assertThat(hits).hasSize(6);
      assertThat(hits.get(0)).containsEntry("query_index", 0).containsEntry("text", "row 9");
      assertThat(hits.get(3)).containsEntry("query_index", 1).containsEntry("text", "row 10");
      assertThat(f.client.getSchema(FlightDescriptor.command(Json.bytes(t))).getSchema())
          .isEqualTo(info.getSchemaOptional().orElseThrow());
    }
  }
}
