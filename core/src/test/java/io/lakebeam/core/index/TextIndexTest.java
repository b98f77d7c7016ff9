package io.lakebeam.core.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebeam.core.TestData;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.CollectionWriter;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BM25 text indexes: segment model, collection-wide scores, filters, queries and bad input. */
class TextIndexTest {
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
    "shell",
    "manual",
    "page",
    "option",
    "config",
    "daemon",
    "service",
    "socket",
    "memory",
    "disk",
    "cache",
    "index",
    "search",
    "vector",
    "table",
    "query",
    "filter",
    "stream",
    "buffer",
    "thread",
    "lock"
  };

  @TempDir Path dir;

  /** Seeded text: Zipf-like word draws, 3..40 words, so lengths and frequencies vary. */
  static String text(Random rnd) {
    int n = 3 + rnd.nextInt(38);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      int w =
          (int)
              Math.min(
                  WORDS.length - 1, Math.floor(Math.pow(rnd.nextDouble(), 2.5) * WORDS.length));
      sb.append(i == 0 ? "" : " ").append(WORDS[w]);
    }
    return sb.toString();
  }

  static void insert(Collection c, int first, int n, long seed, Map<Integer, String> extra) {
    Random rnd = new Random(seed);
    try (CollectionWriter w = c.newWriter()) {
      for (int i = 0; i < n; i++) {
        int id = first + i;
        Record r = GenericRecord.create(c.schema());
        r.setField("id", (long) id);
        r.setField("lang", TestData.LANGS[id % 3]);
        r.setField("year", 2010 + id % 15);
        r.setField("text", extra.getOrDefault(id, text(rnd)));
        r.setField("embedding", TestData.boxed(TestData.vector(rnd, 4)));
        w.write(r);
      }
      w.commit();
    }
  }

  static final List<String> QUERIES =
      List.of(
          "kernel",
          "release notes",
          "socket lock thread",
          "\"network driver\"",
          "+boot -kernel",
          "buffer OR stream",
          "memory AND disk");

  @Test
  void threeSegmentsScoreAsOneIndexOverAllRows() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.resolve("w").toString())) {
      Collection c = lake.createCollection("docs", TestData.schema(4), Metric.COSINE, false);
      insert(c, 0, 700, 1, Map.of());
      var full = lake.textIndexes().build(c, "text", "english");
      assertThat(full.rowsIndexed()).isEqualTo(700);
      insert(c, 700, 500, 2, Map.of());
      lake.indexes().refresh(c.refreshMetadata()); // refreshes the text index too
      insert(c, 1200, 400, 3, Map.of());
      List<IndexService.BuildResult> r = lake.indexes().refresh(c.refreshMetadata());
      assertThat(r)
          .singleElement()
          .satisfies(
              x -> {
                assertThat(x.mode()).isEqualTo("incremental");
                assertThat(x.segments()).isEqualTo(3);
                assertThat(x.rowsIndexed()).isEqualTo(1600);
              });
      Map<String, List<SearchHit>> segmented = new HashMap<>();
      for (String q : QUERIES) {
        segmented.put(q, TextSearch.search(c, "text", q, 10, null));
      }
      assertThat(lake.textIndexes().build(c, "text", "english").segments()).isEqualTo(1);
      for (String q : QUERIES) {
        List<SearchHit> one = TextSearch.search(c, "text", q, 10, null);
        assertThat(one).as(q).isNotEmpty();
        assertThat(segmented.get(q)).as(q).containsExactlyElementsOf(one);
      }
      // the index is registered in the table's metadata with the snapshot it covers
      assertThat(c.refreshMetadata().table().properties())
          .containsEntry("lakebeam.text-index.text.snapshot-id", Long.toString(c.snapshotId()));
      assertThat(lake.indexes().describe(c))
          .anySatisfy(
              d ->
                  assertThat(d)
                      .containsEntry("index_type", "BM25")
                      .containsEntry("analyzer", "english")
                      .containsEntry("stale", false));
    }
  }

  @Test
  void rowsAddedAfterTheBuildAreFoundAndScoredWithTheirStatistics() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.resolve("w").toString())) {
      Collection c = lake.createCollection("docs", TestData.schema(4), Metric.COSINE, false);
      insert(c, 0, 600, 1, Map.of());
      lake.textIndexes().build(c, "text", "standard");
      insert(c, 600, 300, 2, Map.of(777, "zebra crossing in the kernel"));
      List<SearchHit> hits = TextSearch.search(c.refreshMetadata(), "text", "zebra", 5, null);
      assertThat(hits).hasSize(1);
      // the in-memory segment over unindexed rows scores as the refreshed index does
      List<SearchHit> before = TextSearch.search(c, "text", "kernel zebra", 10, null);
      lake.indexes().refresh(c);
      assertThat(TextSearch.search(c, "text", "kernel zebra", 10, null))
          .containsExactlyElementsOf(before);
      // segments are one packed file each beside the table
      try (var files = Files.walk(dir.resolve("w"))) {
        assertThat(files.filter(p -> p.toString().endsWith(".lucene"))).hasSize(2);
      }
    }
  }

  @Test
  void filterAppliesBeforeTopK() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.resolve("w").toString())) {
      Collection c = lake.createCollection("docs", TestData.schema(4), Metric.COSINE, false);
      insert(c, 0, 1500, 5, Map.of());
      lake.textIndexes().build(c, "text", "english");
      // one year of fifteen and one language of three: 1 row in 15 matches
      String filter = "year = 2013 AND lang = 'en'";
      List<SearchHit> hits = TextSearch.search(c, "text", "kernel", 10, filter);
      assertThat(hits).hasSize(10);
      List<SearchHit> all = TextSearch.search(c, "text", "kernel", 1500, null);
      List<SearchHit> expected = new ArrayList<>();
      var rows = lake.indexes().columnCache();
      for (SearchHit h : all) {
        var v = rows.rows(c.table(), h.file(), List.of("year", "lang"), new long[] {h.pos()});
        if (Integer.valueOf(2013).equals(v.get("year", h.pos()))
            && "en".equals(v.get("lang", h.pos()))) {
          expected.add(h);
        }
      }
      assertThat(expected.size()).isGreaterThan(10);
      assertThat(hits)
          .extracting(SearchHit::score)
          .containsExactlyElementsOf(
              expected.subList(0, 10).stream().map(SearchHit::score).toList());
      assertThat(hits.get(0).score()).isLessThan(all.get(0).score());
    }
  }

  @Test
  void phraseAndBooleanQueries() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.resolve("w").toString())) {
      Collection c = lake.createCollection("docs", TestData.schema(4), Metric.COSINE, false);
      Map<Integer, String> docs =
          Map.of(
              1, "the quick brown fox jumps",
              2, "brown quick fox",
              3, "a quick brown dog",
              4, "lazy dog sleeps");
      insert(c, 0, 300, 7, docs);
      lake.textIndexes().build(c, "text", "english");
      assertThat(ids(lake, c, "\"quick brown\"")).containsExactlyInAnyOrder(1L, 3L);
      assertThat(ids(lake, c, "+quick +brown -dog")).containsExactlyInAnyOrder(1L, 2L);
      assertThat(ids(lake, c, "fox AND jumping")).containsExactly(1L); // english stems jumps
      assertThat(ids(lake, c, "lazy OR jumps")).containsExactlyInAnyOrder(1L, 4L);
    }
  }

  private static List<Long> ids(Lakehouse lake, Collection c, String q) {
    List<Long> ids = new ArrayList<>();
    for (SearchHit h : TextSearch.search(c, "text", q, 100, null)) {
      var v =
          lake.indexes()
              .columnCache()
              .rows(c.table(), h.file(), List.of("id"), new long[] {h.pos()});
      ids.add((Long) v.get("id", h.pos()));
    }
    return ids;
  }

  @Test
  void badInputIsRefusedWithWhatToDo() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.resolve("w").toString())) {
      Collection c = lake.createCollection("docs", TestData.schema(4), Metric.COSINE, false);
      insert(c, 0, 50, 1, Map.of());
      assertThatThrownBy(() -> TextSearch.search(c, "text", "kernel", 10, null))
          .hasMessageContaining("has no text index")
          .hasMessageContaining("lakebeam index build docs --field text --type bm25");
      assertThatThrownBy(() -> lake.textIndexes().build(c, "text", "klingon"))
          .hasMessageContaining("Cannot use analyzer 'klingon'")
          .hasMessageContaining("english, estonian");
      assertThatThrownBy(() -> lake.textIndexes().build(c, "year", "standard"))
          .hasMessageContaining("needs a string column");
      lake.textIndexes().build(c, "text", "german");
      assertThatThrownBy(() -> TextSearch.search(c, "text", "\"unclosed phrase", 10, null))
          .hasMessageContaining("Cannot parse text query")
          .hasMessageContaining("column");
      assertThatThrownBy(() -> TextSearch.search(c, "text", "lang:en", 10, null))
          .hasMessageContaining("names field 'lang'");
      assertThatThrownBy(() -> TextSearch.search(c, "text", "kernel", 0, null))
          .hasMessageContaining("top_k=0");
      assertThatThrownBy(() -> TextSearch.search(c, "text", "kernel", 10, "yeer = 1"))
          .hasMessageContaining("yeer");
    }
  }
}
