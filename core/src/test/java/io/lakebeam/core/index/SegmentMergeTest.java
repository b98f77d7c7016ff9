package io.lakebeam.core.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebeam.core.TestData;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The merge of small segments: the same rows answer before and after, a merge stopped before its
 * commit leaves the old segments serving, a merge that a refresh overtook is dropped, and a refresh
 * that leaves {@value SegmentMerger#MIN_SEGMENTS} segments merges them in the background. Segments
 * of 500 rows searched with a beam of 200: above the exact-scoring shortcut; the merged 1,500 rows
 * are above PQ's minimum, so the merged segment is a real graph with codes.
 */
class SegmentMergeTest {
  static final int DIM = 16;
  static final int ROWS = 500;
  static final IndexParams PARAMS = IndexParams.fromMap(Map.of("m", 8, "ef_construction", 40));
  @TempDir Path dir;

  @Test
  void mergedIndexAnswersTheSameRows() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      lake.indexes().backgroundMerge(false);
      Collection c = fourSegments(lake);
      float[][] queries = queries(c);
      List<Set<Long>> before = topTen(lake, c, queries);

      List<IndexService.BuildResult> merged = lake.indexes().merge(c);

      assertThat(merged).hasSize(1);
      assertThat(merged.get(0).mode()).isEqualTo("merged");
      assertThat(merged.get(0).segments()).isEqualTo(2);
      assertThat(merged.get(0).rowsIndexed()).isEqualTo(4L * ROWS);
      Map<String, Object> d = lake.indexes().describe(c).get(0);
      assertThat(d.get("segments")).isEqualTo(2);
      assertThat(d.get("stale")).isEqualTo(false);
      assertThat(topTen(lake, c, queries)).isEqualTo(before);
      assertThat(lake.indexes().merge(c)).isEmpty(); // two segments: nothing is due
    }
  }

  @Test
  void aMergeBeyondItsHeapShareStagesItsVectorsInAMappedFileAndAnswersTheSameRows()
      throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      lake.indexes().backgroundMerge(false);
      Collection c = fourSegments(lake);
      float[][] queries = queries(c);
      List<Set<Long>> before = topTen(lake, c, queries);
      int mappedBefore = VectorSink.MAPPED.get();
      List<List<IndexService.BuildResult>> merged = new ArrayList<>();

      MappedVectorsTest.withHeapShare("1024", () -> merged.add(lake.indexes().merge(c)));

      assertThat(VectorSink.MAPPED.get()).as("mapped stagings").isEqualTo(mappedBefore + 1);
      assertThat(merged.get(0).get(0).rowsIndexed()).isEqualTo(4L * ROWS);
      assertThat(topTen(lake, c, queries)).isEqualTo(before);
      MappedVectorsTest.assertNoScratchVectorsLeft();
    }
  }

  @Test
  void mergeStoppedBeforeItsCommitLeavesTheOldSegmentsServing() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      lake.indexes().backgroundMerge(false);
      Collection c = fourSegments(lake);
      float[][] queries = queries(c);
      List<Set<Long>> before = topTen(lake, c, queries);
      String manifest = IndexRegistry.locate(c.table(), "embedding").orElseThrow();

      assertThatThrownBy(
              () ->
                  lake.indexes()
                      .merge(
                          c,
                          () -> {
                            throw new IllegalStateException("killed mid-merge");
                          }))
          .hasMessageContaining("killed mid-merge");

      c.refreshMetadata();
      assertThat(IndexRegistry.locate(c.table(), "embedding")).contains(manifest);
      assertThat(lake.indexes().describe(c).get(0).get("segments")).isEqualTo(4);
      assertThat(topTen(lake, c, queries)).isEqualTo(before);
      assertThat(lake.indexes().merge(c)).hasSize(1); // the next merge goes through
    }
  }

  @Test
  void mergeOvertakenByARefreshIsDropped() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      lake.indexes().backgroundMerge(false);
      Collection c = fourSegments(lake);
      List<IndexService.BuildResult> merged =
          lake.indexes()
              .merge(
                  c,
                  () -> {
                    TestData.insert(c, 4 * ROWS, ROWS, DIM, 5);
                    lake.indexes().refresh(c);
                  });
      assertThat(merged).isEmpty();
      c.refreshMetadata();
      Map<String, Object> d = lake.indexes().describe(c).get(0);
      assertThat(d.get("segments")).isEqualTo(5);
      assertThat(d.get("rows")).isEqualTo(5L * ROWS);
    }
  }

  @Test
  void refreshMergesInTheBackground() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      lake.indexes().backgroundMerge(true);
      Collection c = fourSegments(lake);
      lake.indexes().awaitBackgroundMerges();
      c.refreshMetadata();
      Map<String, Object> d = lake.indexes().describe(c).get(0);
      assertThat(d.get("segments")).isEqualTo(2);
      assertThat(d.get("rows")).isEqualTo(4L * ROWS);
      float[] q = queries(c)[3];
      List<SearchHit> hits =
          lake.indexes().search(c, new SearchRequest(null, new float[][] {q}, 1, 0, null)).get(0);
      assertThat(hits.get(0).score()).isGreaterThan(0.999f); // the row itself
    }
  }

  /** One build and three refreshes: four segments of {@link #ROWS} rows. */
  private static Collection fourSegments(Lakehouse lake) {
    Collection c = lake.createCollection("docs", TestData.schema(DIM), Metric.COSINE, false);
    TestData.insert(c, 0, ROWS, DIM, 1);
    lake.indexes().build(c, "embedding", null, PARAMS);
    for (int i = 1; i < 4; i++) {
      TestData.insert(c, i * ROWS, ROWS, DIM, 1 + i);
      lake.indexes().refresh(c);
    }
    return c;
  }

  /** Stored vectors of rows spread over the four segments. */
  private static float[][] queries(Collection c) {
    float[][] q = new float[20][];
    for (int i = 0; i < q.length; i++) {
      java.util.Random rnd = new java.util.Random(1 + i % 4); // the seed insert used
      int row = i * 37 % ROWS;
      for (int r = 0; r <= row; r++) {
        q[i] = TestData.vector(rnd, DIM);
      }
    }
    return q;
  }

  private static List<Set<Long>> topTen(Lakehouse lake, Collection c, float[][] queries) {
    List<Set<Long>> out = new ArrayList<>();
    for (List<SearchHit> hits :
        lake.indexes().search(c, new SearchRequest(null, queries, 10, 200, null))) {
      out.add(
          hits.stream()
              .map(h -> h.file().hashCode() * 100_000L + h.pos())
              .collect(Collectors.toSet()));
    }
    return out;
  }
}
