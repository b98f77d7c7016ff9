package io.lakebeam.core.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.core.TestData;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.CollectionWriter;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Segments load into the tier the memory budget has room for: full vectors (hot), product-quantized
 * codes with an exact re-rank (hot-pq), or nothing on the heap (warm); a full budget demotes the
 * least recently searched collection; a pinned collection keeps its full vectors. 9,000 rows in 3
 * files: above the exact-scoring shortcut, so every search walks the graph.
 */
class TieredServingTest {
  static final int DIM = 16;
  static final int ROWS = 9_000;

  /** Small build parameters: the tiers, not the graph's quality, are under test. */
  static final IndexParams PARAMS = IndexParams.fromMap(Map.of("m", 8, "ef_construction", 40));

  static final int K = 10;
  static final int EF = 160;
  @TempDir Path dir;

  @AfterEach
  void clearBudget() {
    System.clearProperty("lakebeam.memory.bytes");
  }

  @Test
  void quantizedCodesWhenFullVectorsDoNotFitWithExactScores() throws Exception {
    System.setProperty("lakebeam.memory.bytes", Long.toString(512L << 10));
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      Collection c = indexed(lake, "docs", 1);
      float[][] q = queries(40, 2);
      List<List<SearchHit>> hits = search(lake, c, q, EF);

      assertThat(tier(lake, c)).isEqualTo("hot-pq");
      long held = ((Number) describe(lake, c).get("memory_bytes")).longValue();
      assertThat(held).isPositive().isLessThan(ROWS * 20L + (128 << 10));
      assertThat(recall(hits, exact(lake, c, q))).isGreaterThanOrEqualTo(0.9);
      // re-ranked: the returned scores are the exact ones
      Map<String, Float> exactScores = new java.util.HashMap<>();
      for (List<SearchHit> l : exact(lake, c, q)) {
        l.forEach(h -> exactScores.put(h.file() + "#" + h.pos(), h.score()));
      }
      for (SearchHit h : hits.get(0)) {
        Float e = exactScores.get(h.file() + "#" + h.pos());
        if (e != null) {
          assertThat(h.score()).isCloseTo(e, org.assertj.core.data.Offset.offset(1e-4f));
        }
      }
    }
  }

  @Test
  void warmWhenTheBudgetHoldsNothing() throws Exception {
    System.setProperty("lakebeam.memory.bytes", "0");
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      Collection c = indexed(lake, "docs", 3);
      float[][] q = queries(40, 4);
      List<List<SearchHit>> hits = search(lake, c, q, EF);

      assertThat(tier(lake, c)).isEqualTo("warm");
      assertThat(describe(lake, c).get("memory_bytes")).isEqualTo(0L);
      assertThat(recall(hits, exact(lake, c, q))).isGreaterThanOrEqualTo(0.9);
    }
  }

  @Test
  void fullBudgetDemotesTheLeastRecentlySearchedCollection() throws Exception {
    // room for one collection's codes (~120 KB), not two
    System.setProperty("lakebeam.memory.bytes", Long.toString(200L << 10));
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      Collection a = indexed(lake, "a", 5);
      Collection b = indexed(lake, "b", 6);
      float[][] q = queries(20, 7);
      search(lake, a, q, EF);
      assertThat(tier(lake, a)).isEqualTo("hot-pq");

      List<List<SearchHit>> hitsB = search(lake, b, q, EF);

      assertThat(tier(lake, b)).isEqualTo("hot-pq");
      assertThat(tier(lake, a)).isEqualTo("warm");
      assertThat(lake.indexes().memory().demotions()).isEqualTo(1);
      assertThat(lake.indexes().memory().used()).isLessThanOrEqualTo(200L << 10);
      // the demoted collection still answers, from its mapped file
      assertThat(recall(search(lake, a, q, EF), exact(lake, a, q))).isGreaterThanOrEqualTo(0.9);
      assertThat(recall(hitsB, exact(lake, b, q))).isGreaterThanOrEqualTo(0.9);
    }
  }

  @Test
  void pinnedCollectionKeepsFullVectorsWhateverTheBudget() throws Exception {
    System.setProperty("lakebeam.memory.bytes", "0");
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      Collection a = indexed(lake, "a", 8);
      lake.indexes().pin(a, true);
      Collection b = indexed(lake, "b", 9);
      float[][] q = queries(20, 10);
      search(lake, a, q, EF);
      search(lake, b, q, EF);

      assertThat(tier(lake, a)).isEqualTo("hot");
      assertThat(describe(lake, a).get("pinned")).isEqualTo(true);
      assertThat(tier(lake, b)).isEqualTo("warm");
      assertThat(recall(search(lake, a, q, EF), exact(lake, a, q))).isGreaterThanOrEqualTo(0.9);

      lake.indexes().pin(a, false);
      search(lake, a, q, EF);
      assertThat(tier(lake, a)).isEqualTo("warm");
    }
  }

  @Test
  void refreshKeepsLoadedSegmentsInTheirTier() throws Exception {
    System.setProperty("lakebeam.memory.bytes", Long.toString(512L << 10));
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      Collection c = indexed(lake, "docs", 11);
      float[][] q = queries(20, 12);
      search(lake, c, q, EF);
      long before = lake.indexes().memory().used();

      insertClustered(c, ROWS, 2_000, 13);
      lake.indexes().refresh(c);
      List<List<SearchHit>> hits = search(lake, c, q, EF);

      Map<String, Object> d = describe(lake, c);
      assertThat(d.get("segments")).isEqualTo(2);
      // the first segment was reused, the new one (2,000 rows) holds full vectors
      assertThat(lake.indexes().memory().used()).isGreaterThan(before);
      assertThat(lake.indexes().memory().used())
          .isEqualTo(((Number) d.get("memory_bytes")).longValue());
      assertThat(recall(hits, exact(lake, c, q))).isGreaterThanOrEqualTo(0.9);
    }
  }

  private static Collection indexed(Lakehouse lake, String name, long seed) {
    Collection c = lake.createCollection(name, TestData.schema(DIM), Metric.COSINE, false);
    for (int f = 0; f < 3; f++) {
      insertClustered(c, f * ROWS / 3, ROWS / 3, seed * 10 + f);
    }
    lake.indexes().build(c, "embedding", null, PARAMS);
    return c;
  }

  /** Embedding-like rows: 40 seeded centres, each row a centre plus noise. */
  private static void insertClustered(Collection c, int firstId, int n, long seed) {
    Random rnd = new Random(seed);
    try (CollectionWriter w = c.newWriter()) {
      for (int i = 0; i < n; i++) {
        Record r = GenericRecord.create(c.schema());
        r.setField("id", (long) (firstId + i));
        r.setField("lang", "en");
        r.setField("year", 2020);
        r.setField("text", "row " + (firstId + i));
        r.setField("embedding", TestData.boxed(clustered(rnd)));
        w.write(r);
      }
      w.commit();
    }
  }

  private static float[] clustered(Random rnd) {
    Random centres = new Random(1_000 + rnd.nextInt(40));
    float[] v = new float[DIM];
    for (int j = 0; j < DIM; j++) {
      v[j] = (float) (centres.nextGaussian() + 0.5 * rnd.nextGaussian());
    }
    return v;
  }

  private static float[][] queries(int n, long seed) {
    Random rnd = new Random(seed);
    float[][] q = new float[n][];
    for (int i = 0; i < n; i++) {
      q[i] = clustered(rnd);
    }
    return q;
  }

  private static List<List<SearchHit>> search(Lakehouse lake, Collection c, float[][] q, int ef) {
    return lake.indexes().search(c, new SearchRequest("embedding", q, K, ef, null));
  }

  private static List<List<SearchHit>> exact(Lakehouse lake, Collection c, float[][] q) {
    return lake.indexes()
        .searchAt(c, new SearchRequest("embedding", q, K, 0, null), c.snapshotId());
  }

  private static double recall(List<List<SearchHit>> got, List<List<SearchHit>> truth) {
    int found = 0;
    int total = 0;
    for (int i = 0; i < truth.size(); i++) {
      Set<String> want = new HashSet<>();
      truth.get(i).forEach(h -> want.add(h.file() + "#" + h.pos()));
      for (SearchHit h : got.get(i)) {
        if (want.contains(h.file() + "#" + h.pos())) {
          found++;
        }
      }
      total += want.size();
    }
    return (double) found / total;
  }

  private static Map<String, Object> describe(Lakehouse lake, Collection c) {
    return lake.indexes().describe(c.refreshMetadata()).get(0);
  }

  private static String tier(Lakehouse lake, Collection c) {
    return (String) describe(lake, c).get("tier");
  }
}
