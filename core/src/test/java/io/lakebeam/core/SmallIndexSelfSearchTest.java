package io.lakebeam.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.core.index.IndexParams;
import io.lakebeam.core.index.SearchHit;
import io.lakebeam.core.index.SearchRequest;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.CollectionWriter;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A row is its own nearest neighbour, through the public search API: 40 indexes of the ten frame
 * vectors of MediaIngestTest, rows in shuffled orders. Before graphs were checked for unreachable
 * nodes (and small segments scored exactly), several of the 40 returned 0.495 or 0.346 for a
 * frame's own vector on a two-core machine.
 */
class SmallIndexSelfSearchTest {
  // The ten frame embeddings of MediaIngestTest (4 dimensions): a pair near (0.86, -0.48, ...),
  // far from every other row, and a few tight clusters.
  static final float[][] FRAMES = {
    {0.8735661f, -0.43615475f, 0.19916475f, 0.083574094f},
    {-0.8082499f, -0.09945226f, -0.5449216f, -0.19975454f},
    {-0.74504894f, -0.041837912f, -0.63323677f, -0.20533603f},
    {-0.7553101f, -0.05268431f, -0.6202936f, -0.20485818f},
    {-0.7288308f, -0.5818043f, -0.30557615f, -0.19217876f},
    {0.09058787f, 0.40120238f, -0.9020041f, -0.1312218f},
    {0.25380406f, -0.6402087f, -0.7025804f, -0.17915654f},
    {0.8547248f, -0.51349556f, 0.060291626f, 0.046181247f},
    {-0.7310389f, -0.5753504f, -0.311923f, -0.19302352f},
    {-0.81167054f, -0.09511283f, -0.5409232f, -0.19886297f},
  };

  @TempDir Path dir;

  @Test
  void everyRowIsItsOwnNearestNeighbour() throws Exception {
    int misses = 0;
    List<String> report = new ArrayList<>();
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      for (int trial = 0; trial < 40; trial++) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < FRAMES.length; i++) {
          order.add(i);
        }
        Collections.shuffle(order, new Random(trial));
        Collection c = lake.createCollection("t" + trial, TestData.schema(4), Metric.COSINE, false);
        try (CollectionWriter w = c.newWriter()) {
          for (int i : order) {
            Record r = GenericRecord.create(c.schema());
            r.setField("id", (long) i);
            r.setField("lang", "en");
            r.setField("year", 2020);
            r.setField("text", "row " + i);
            r.setField("embedding", TestData.boxed(FRAMES[i]));
            w.write(r);
          }
          w.commit();
        }
        lake.indexes().build(c, "embedding", null, IndexParams.defaults());
        for (int i = 0; i < FRAMES.length; i++) {
          List<SearchHit> hits =
              lake.indexes()
                  .search(c, new SearchRequest("embedding", new float[][] {FRAMES[i]}, 5, 0, null))
                  .get(0);
          if (hits.get(0).score() < 0.999f) {
            misses++;
            report.add("trial " + trial + " order " + order + " row " + i + " top " + hits.get(0));
          }
        }
      }
    }
    report.forEach(System.out::println);
    assertThat(misses).isZero();
  }
}
