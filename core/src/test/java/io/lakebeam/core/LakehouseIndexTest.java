package io.lakebeam.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebeam.core.index.IndexParams;
import io.lakebeam.core.index.SearchHit;
import io.lakebeam.core.index.SearchRequest;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LakehouseIndexTest {
  static final int DIM = 16;
  @TempDir Path dir;

  static Map<String, String> schema() {
    return schema(DIM);
  }

  static Map<String, String> schema(int dim) {
    return TestData.schema(dim);
  }

  @Test
  void indexSearchFilterRefresh() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      Collection c = lake.createCollection("docs", schema(), Metric.COSINE, false);
      List<float[]> vectors = TestData.insert(c, 0, 600, DIM, 1);
      var result = lake.indexes().build(c, "embedding", null, IndexParams.defaults());
      assertThat(result.rowsIndexed()).isEqualTo(600);

      float[] q = vectors.get(42);
      List<SearchHit> hits =
          lake.indexes().search(c, new SearchRequest(null, new float[][] {q}, 5, 0, null)).get(0);
      assertThat(hits).hasSize(5);
      assertThat(hits.get(0).pos()).isEqualTo(42);

      List<SearchHit> filtered =
          lake.indexes()
              .search(
                  c,
                  new SearchRequest(
                      "embedding", new float[][] {q}, 10, 0, "lang = 'de' AND year >= 2020"))
              .get(0);
      // rows with id%3==1 and 2010+id%15 >= 2020: exactly 10 results guaranteed when >= 10 match
      assertThat(filtered).hasSize(10);
      for (SearchHit h : filtered) {
        long id = h.pos();
        assertThat(id % 3).isEqualTo(1);
        assertThat(2010 + id % 15).isGreaterThanOrEqualTo(2020);
      }

      // append: search sees new rows before refresh (exact scan), refresh indexes only them
      List<float[]> more = TestData.insert(c, 600, 10, DIM, 2);
      List<SearchHit> fresh =
          lake.indexes()
              .search(c, new SearchRequest(null, new float[][] {more.get(3)}, 1, 0, null))
              .get(0);
      assertThat(fresh.get(0).pos()).isEqualTo(3);
      assertThat(lake.indexes().describe(c).get(0).get("stale")).isEqualTo(true);
      var refreshed = lake.indexes().refresh(c);
      assertThat(refreshed.get(0).mode()).isEqualTo("incremental");
      assertThat(refreshed.get(0).rowsIndexed()).isEqualTo(610);
      assertThat(refreshed.get(0).segments()).isEqualTo(2);
      assertThat(lake.indexes().describe(c).get(0).get("stale")).isEqualTo(false);
      // the builds' reachability repair connected every graph node of both segments
      assertThat(lake.indexes().describe(c).get(0).get("unreachable_nodes")).isEqualTo(0);
    }
    // a restarted process finds the index in the table metadata
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      Collection c = lake.collection("docs");
      assertThat(lake.indexes().describe(c)).hasSize(1);
      assertThat(lake.indexes().describe(c).get(0).get("rows")).isEqualTo(610L);
    }
  }

  @Test
  void badInputsFailClearly() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      Collection c = lake.createCollection("docs", schema(), Metric.COSINE, false);
      TestData.insert(c, 0, 20, DIM, 1);
      assertThatThrownBy(() -> lake.collection("nope"))
          .isInstanceOf(LakebeamException.class)
          .hasMessageContaining("'nope' does not exist");
      float[] wrong = TestData.vector(new Random(1), DIM + 1);
      assertThatThrownBy(
              () ->
                  lake.indexes()
                      .search(c, new SearchRequest(null, new float[][] {wrong}, 3, 0, null)))
          .hasMessageContaining("dimension 17");
      assertThatThrownBy(
              () ->
                  lake.indexes()
                      .search(
                          c,
                          new SearchRequest(
                              null,
                              new float[][] {TestData.vector(new Random(2), DIM)},
                              3,
                              0,
                              "lang = ")))
          .hasMessageContaining("Cannot parse filter");
      assertThatThrownBy(
              () ->
                  lake.indexes()
                      .search(
                          c,
                          new SearchRequest(
                              null,
                              new float[][] {TestData.vector(new Random(2), DIM)},
                              3,
                              0,
                              "nope = 1")))
          .hasMessageContaining("no column 'nope'");
      assertThatThrownBy(
              () ->
                  lake.indexes()
                      .search(
                          c, new SearchRequest("text", new float[][] {new float[DIM]}, 3, 0, null)))
          .hasMessageContaining("no vector field 'text'");
    }
  }
}
