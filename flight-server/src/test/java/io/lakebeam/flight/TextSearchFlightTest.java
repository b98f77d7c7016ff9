package io.lakebeam.flight;

import static io.lakebeam.flight.FlightFixture.assertFlightError;
import static io.lakebeam.flight.FlightFixture.list;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.core.TestData;
import io.lakebeam.core.index.SearchHit;
import io.lakebeam.core.index.TextSearch;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.CollectionWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BM25 through Flight: create_index index_type bm25, text search tickets, filters, errors. */
class TextSearchFlightTest {
  static final String[] WORDS = {
    "kernel",
    "release",
    "notes",
    "package",
    "debian",
    "upgrade",
    "network",
    "driver",
    "security",
    "update",
    "install",
    "system",
    "boot",
    "loader",
    "file",
    "server",
    "client",
    "python",
    "shell"
  };

  @TempDir Path dir;

  static void write(Collection c, int first, int n, long seed) {
    Random rnd = new Random(seed);
    try (CollectionWriter w = c.newWriter()) {
      for (int i = 0; i < n; i++) {
        int id = first + i;
        StringBuilder text = new StringBuilder();
        for (int j = 0, len = 3 + rnd.nextInt(30); j < len; j++) {
          int k = (int) Math.min(WORDS.length - 1, Math.pow(rnd.nextDouble(), 2) * WORDS.length);
          text.append(j == 0 ? "" : " ").append(WORDS[k]);
        }
        Record r = GenericRecord.create(c.schema());
        r.setField("id", (long) id);
        r.setField("lang", TestData.LANGS[id % 3]);
        r.setField("year", 2010 + id % 15);
        r.setField("text", text.toString());
        r.setField("embedding", TestData.boxed(TestData.vector(rnd, FlightFixture.DIM)));
        w.write(r);
      }
      w.commit();
    }
  }

  static Map<String, Object> textTicket(String text, int topK) {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("type", "search");
    t.put("collection", "docs");
    t.put("query_type", "text");
    t.put("field", "text");
    t.put("text", text);
    t.put("top_k", topK);
    return t;
  }

  @Test
  void textSearchRanksByBm25WithinTheFilter() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir)) {
      f.createDocs("docs");
      Collection c = f.lake.collection("docs");
      write(c, 0, 900, 1);
      Map<String, Object> built =
          f.action(
              "create_index",
              Map.of(
                  "collection",
                  "docs",
                  "field",
                  "text",
                  "index_type",
                  "bm25",
                  "analyzer",
                  "english"));
      assertThat(built).containsEntry("rows_indexed", 900).containsEntry("mode", "full");
      write(c, 900, 600, 2); // not indexed yet: searched through an in-memory segment
      assertThat(list(f.describe("docs"), "indexes"))
          .anySatisfy(
              d -> assertThat(d).containsEntry("index_type", "BM25").containsEntry("stale", true));

      Map<String, Object> t = textTicket("kernel \"release notes\"", 10);
      t.put("filter", "year = 2013 AND lang = 'en'");
      t.put("output_fields", List.of("id", "year", "lang", "text"));
      List<Map<String, Object>> hits = f.search(t);
      assertThat(hits).hasSize(10);
      List<SearchHit> expected =
          TextSearch.search(
              c.refreshMetadata(),
              "text",
              "kernel \"release notes\"",
              10,
              "year = 2013 AND lang = 'en'");
      for (int i = 0; i < hits.size(); i++) {
        Map<String, Object> h = hits.get(i);
        assertThat(h)
            .containsEntry("year", 2013)
            .containsEntry("lang", "en")
            .containsEntry("rank", i);
        assertThat((Float) h.get("_score")).isEqualTo(expected.get(i).score());
        assertThat(h.get("_pos")).isEqualTo(expected.get(i).pos());
        if (i > 0) {
          assertThat((Float) h.get("_score"))
              .isLessThanOrEqualTo((Float) hits.get(i - 1).get("_score"));
        }
      }
      // refresh indexes the new rows into a second segment; the scores stay the same
      Map<String, Object> refreshed = f.action("refresh", Map.of("collection", "docs"));
      assertThat(list(refreshed, "indexes"))
          .anySatisfy(
              r -> assertThat(r).containsEntry("field", "text").containsEntry("segments", 2));
      assertThat(f.search(t))
          .extracting(h -> h.get("_score"))
          .containsExactlyElementsOf(hits.stream().map(h -> h.get("_score")).toList());

      // GetFlightInfo checks a text search and hands out its ticket
      var info = f.client.getInfo(FlightDescriptor.command(Json.bytes(t)));
      assertThat(info.getSchemaOptional().orElseThrow().findField("_score")).isNotNull();

      f.action("drop_index", Map.of("collection", "docs", "field", "text"));
      assertFlightError(
          () -> f.search(textTicket("kernel", 5)),
          FlightStatusCode.INVALID_ARGUMENT,
          "has no text index",
          "lakebeam index build docs --field text --type bm25");
    }
  }

  @Test
  void badTextRequestsAreInvalidArguments() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir)) {
      f.createDocs("docs");
      write(f.lake.collection("docs"), 0, 50, 3);
      assertFlightError(
          () ->
              f.action(
                  "create_index",
                  Map.of(
                      "collection",
                      "docs",
                      "field",
                      "text",
                      "index_type",
                      "bm25",
                      "analyzer",
                      "elvish")),
          FlightStatusCode.INVALID_ARGUMENT,
          "Cannot use analyzer 'elvish'",
          "german");
      assertFlightError(
          () ->
              f.action(
                  "create_index",
                  Map.of(
                      "collection",
                      "docs",
                      "field",
                      "text",
                      "index_type",
                      "bm25",
                      "params",
                      Map.of("k2", 1))),
          FlightStatusCode.INVALID_ARGUMENT,
          "known parameters are k1, b");
      f.action("create_index", Map.of("collection", "docs", "field", "text", "index_type", "BM25"));
      assertFlightError(
          () -> f.search(textTicket("(kernel", 5)),
          FlightStatusCode.INVALID_ARGUMENT,
          "Cannot parse text query",
          "column");
      Map<String, Object> t = textTicket("kernel", 5);
      t.put("query_type", "sparse");
      assertFlightError(
          () -> f.search(t), FlightStatusCode.INVALID_ARGUMENT, "query_type 'sparse'");
      Map<String, Object> v = textTicket("kernel", 5);
      v.put("ef", 10);
      assertFlightError(() -> f.search(v), FlightStatusCode.INVALID_ARGUMENT, "drop 'ef'");
      Map<String, Object> typo = textTicket("kernel", 5);
      typo.put("txt", "x");
      assertFlightError(
          () -> f.search(typo), FlightStatusCode.INVALID_ARGUMENT, "did you mean 'text'");
      Map<String, Object> noField = textTicket("kernel", 5);
      noField.remove("field"); // the only text index is used
      assertThat(f.search(noField)).isNotEmpty();
    }
  }
}
