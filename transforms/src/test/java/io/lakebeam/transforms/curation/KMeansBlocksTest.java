package io.lakebeam.transforms.curation;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.read.LiveRows;
import io.lakebeam.core.read.TableState;
import io.lakebeam.runners.Runner;
import io.lakebeam.transforms.Pipelines;
import io.lakebeam.transforms.lake.Lake;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Block-wise k-means: the kernel, the order-independent sums and labels that survive rewrites. */
class KMeansBlocksTest {
  @TempDir Path dir;

  private static float[] gaussian(Random rnd, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    return x;
  }

  @Test
  void kernelAssignsLikeABruteForceScan() {
    // 1,001 rows (not a multiple of the 4-row tile), d = 37 (not a multiple of the lanes),
    // k = 70 (more than one panel, with padding)
    Random rnd = new Random(11);
    int n = 1001;
    int d = 37;
    int k = 70;
    float[] x = gaussian(rnd, n * d);
    Centroids c = new Centroids(k, d, gaussian(rnd, k * d));
    int[] nearest = new int[n];
    float[] score = new float[n];
    c.kernel().assign(x, n, nearest, score);
    float[] dist = new float[1];
    for (int i = 0; i < n; i++) {
      float[] v = new float[d];
      System.arraycopy(x, i * d, v, 0, d);
      int expected = c.nearest(v, dist);
      if (nearest[i] != expected) {
        // only a near tie may differ: the two orders of summation round differently
        float mine = VectorMath.squaredDistance(v, c.flat, nearest[i] * d, d);
        assertThat(mine)
            .as("row %d", i)
            .isCloseTo(dist[0], org.assertj.core.data.Offset.offset(1e-3f));
      }
      float exact = VectorMath.squaredDistance(v, c.flat, nearest[i] * d, d);
      assertThat(score[i] + VectorMath.dot(v, v))
          .as("row %d", i)
          .isCloseTo(exact, org.assertj.core.data.Offset.offset(1e-3f * (1 + exact)));
    }
  }

  @Test
  void aRowsAssignmentDoesNotDependOnItsBlock() {
    Random rnd = new Random(5);
    int n = 203;
    int d = 19;
    float[] x = gaussian(rnd, n * d);
    Centroids c = new Centroids(9, d, gaussian(rnd, 9 * d));
    int[] whole = new int[n];
    c.kernel().assign(x, n, whole, new float[n]);
    for (int from = 0; from < n; from += 7) {
      int rows = Math.min(7, n - from);
      float[] part = java.util.Arrays.copyOfRange(x, from * d, (from + rows) * d);
      int[] nearest = new int[rows];
      c.kernel().assign(part, rows, nearest, new float[rows]);
      assertThat(nearest).isEqualTo(java.util.Arrays.copyOfRange(whole, from, from + rows));
    }
  }

  @Test
  void centroidsAreTheSameBitsWhateverTheBlocksAndMergeOrder() {
    Random rnd = new Random(3);
    int n = 5000;
    int d = 24;
    int k = 10;
    float[] x = gaussian(rnd, n * d);
    Centroids c = new Centroids(k, d, gaussian(rnd, k * d));
    double scale = VectorSum.scaleFor(8, n);
    int[] nearest = new int[n];
    c.kernel().assign(x, n, nearest, new float[n]);
    VectorSum one = VectorSum.carrying(c);
    one.add(x, n, nearest, scale);
    // uneven blocks, merged last to first
    java.util.List<VectorSum> parts = new java.util.ArrayList<>();
    for (int from = 0, size = 1; from < n; from += size, size = size * 3 % 1009 + 1) {
      int rows = Math.min(size, n - from);
      VectorSum s = VectorSum.carrying(c);
      s.add(
          java.util.Arrays.copyOfRange(x, from * d, (from + rows) * d),
          rows,
          java.util.Arrays.copyOfRange(nearest, from, from + rows),
          scale);
      parts.add(0, s);
    }
    VectorSum.Step step = new VectorSum.Step("test", 1, 1);
    VectorSum merged = step.mergeAccumulators(parts);
    assertThat(parts).hasSizeGreaterThan(10);
    assertThat(step.extractOutput(merged).flat).isEqualTo(step.extractOutput(one).flat);
    // and the fixed-point mean is the double-precision mean to float precision
    float[] moved = one.moved().flat;
    for (int cl = 0; cl < k; cl++) {
      double[] mean = new double[d];
      int count = 0;
      for (int i = 0; i < n; i++) {
        if (nearest[i] == cl) {
          count++;
          for (int q = 0; q < d; q++) {
            mean[q] += x[i * d + q];
          }
        }
      }
      for (int q = 0; q < d && count > 0; q++) {
        assertThat((double) moved[cl * d + q])
            .isCloseTo(mean[q] / count, org.assertj.core.data.Offset.offset(1e-6));
      }
    }
  }

  @Test
  void clusteringAgainAfterAWriteBackKeepsEveryLabel() {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      CurationTestData data = CurationTestData.create(lake);
      Runnable cluster =
          () ->
              Pipelines.runUnchecked(
                  Runner.DIRECT,
                  p ->
                      p.apply(Lake.read(lake, "t.chunks"))
                          .apply(Cluster.kMeans().withK(4).withIterations(3).withSampleSize(40))
                          .apply(Lake.writeBackColumns(lake, "t.chunks")));
      cluster.run();
      Map<String, Object[]> first = labels(lake);
      // the write-back rewrote the data files: every row has a new _file#_pos
      cluster.run();
      Map<String, Object[]> second = labels(lake);
      Pipelines.runUnchecked(
          Runner.FLINK,
          p ->
              p.apply(Lake.read(lake, "t.chunks"))
                  .apply(Cluster.kMeans().withK(4).withIterations(3).withSampleSize(40))
                  .apply(Lake.writeBackColumns(lake, "t.chunks")));
      Map<String, Object[]> flink = labels(lake);
      assertThat(first).hasSize(data.texts.size());
      for (String id : first.keySet()) {
        assertThat(second.get(id)).as(id).containsExactly(first.get(id));
        assertThat(flink.get(id)).as(id).containsExactly(first.get(id));
      }
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static Map<String, Object[]> labels(Lakehouse lake) {
    Collection c = lake.collection("t.chunks").refreshMetadata();
    Map<String, Object[]> out = new HashMap<>();
    for (Record r : LiveRows.readAll(c.table(), TableState.of(c.table()), c.schema())) {
      out.put(
          (String) r.getField("chunk_id"),
          new Object[] {r.getField("cluster_id"), r.getField("cluster_distance")});
    }
    return out;
  }
}
