package io.lakebeam.transforms.curation;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.core.index.IndexParams;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.read.LiveRows;
import io.lakebeam.core.read.TableState;
import io.lakebeam.runners.Runner;
import io.lakebeam.transforms.Pipelines;
import io.lakebeam.transforms.lake.Lake;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole curation chain, written back as columns of the same table. */
class CurationPipelineTest {
  @TempDir Path dir;
  private Lakehouse lake;
  private CurationTestData data;

  @BeforeEach
  void open() {
    lake = Lakehouse.open(dir.toString());
    data = CurationTestData.create(lake);
    lake.indexes().build(lake.collection("t.chunks"), "embedding", null, IndexParams.defaults());
  }

  @AfterEach
  void close() throws Exception {
    lake.close();
  }

  @Test
  void dedupClusterAndAnomaliesBecomeColumns() {
    Pipelines.runUnchecked(
        Runner.DIRECT,
        p ->
            p.apply(Lake.read(lake, "t.chunks"))
                .apply(Dedup.exact())
                .apply(Dedup.nearDuplicates().withJaccard(0.8))
                .apply(Dedup.semantic().onVector("embedding").withCosine(0.9999).withPartitions(3))
                .apply(Cluster.kMeans().withK(3).withCentroidsTable(lake, "t.chunks_centroids"))
                .apply(Anomalies.knnDistance().withK(3).withTopFraction(0.04))
                .apply(Anomalies.isolationForest().withTopFraction(0.04))
                .apply(Lake.writeBackColumns(lake, "t.chunks")));

    Map<String, Record> rows = rows();
    assertThat(rows).hasSize(data.texts.size());
    // near duplicates: c001 keeps, c050 (one word) and c051 (appended) join its group
    assertThat(rows.get("c050").getField("dup_group")).isEqualTo("c001");
    assertThat(rows.get("c051").getField("dup_group")).isEqualTo("c001");
    assertThat(rows.get("c001").getField("is_canonical")).isEqualTo(true);
    assertThat(rows.get("c050").getField("is_canonical")).isEqualTo(false);
    assertThat((Double) rows.get("c050").getField("dup_similarity")).isBetween(0.8, 1.0);
    assertThat(rows.get("c007").getField("dup_group")).isEqualTo("c007");
    assertThat(rows.get("c007").getField("dup_similarity")).isNull();
    long nearGroups =
        rows.values().stream()
            .filter(r -> Boolean.FALSE.equals(r.getField("is_canonical")))
            .count();
    assertThat(nearGroups).isEqualTo(3); // c050, c051, c052
    // exact: only the copy
    assertThat(rows.get("c052").getField("exact_dup_group")).isEqualTo("c002");
    assertThat(rows.get("c050").getField("exact_dup_group")).isEqualTo("c050");
    // semantic: c053 is c004's nudged vector
    assertThat(rows.get("c053").getField("semantic_dup_group")).isEqualTo("c004");
    assertThat(rows.get("c053").getField("semantic_is_canonical")).isEqualTo(false);
    // k-means recovers the three blobs
    Map<Integer, Integer> blobToCluster = new HashMap<>();
    for (Map.Entry<String, Integer> e : data.blob.entrySet()) {
      Integer cluster = (Integer) rows.get(e.getKey()).getField("cluster_id");
      assertThat(blobToCluster.computeIfAbsent(e.getValue(), b -> cluster)).isEqualTo(cluster);
    }
    assertThat(blobToCluster.values()).doesNotHaveDuplicates();
    Collection centroids = lake.collection("t.chunks_centroids");
    List<Record> cs =
        LiveRows.readAll(centroids.table(), TableState.of(centroids.table()), centroids.schema());
    assertThat(cs).hasSize(3);
    assertThat(cs.stream().mapToLong(r -> (Long) r.getField("size")).sum()).isEqualTo(rows.size());
    // both anomaly methods flag the two planted outliers, and little else
    for (String flag : new String[] {"is_anomaly", "is_iforest_anomaly"}) {
      assertThat(rows.get("c900").getField(flag)).as(flag).isEqualTo(true);
      assertThat(rows.get("c901").getField(flag)).as(flag).isEqualTo(true);
      assertThat(rows.values().stream().filter(r -> Boolean.TRUE.equals(r.getField(flag))).count())
          .as(flag)
          .isLessThanOrEqualTo(4);
    }
  }

  @Test
  void rerunOnFlinkGivesTheSameGroupsAndClusters() {
    Runnable run =
        () ->
            Pipelines.runUnchecked(
                Runner.DIRECT,
                p ->
                    p.apply(Lake.read(lake, "t.chunks"))
                        .apply(Dedup.nearDuplicates())
                        .apply(Cluster.kMeans().withK(3).withIterations(3))
                        .apply(Lake.writeBackColumns(lake, "t.chunks")));
    run.run();
    Map<String, Record> direct = rows();
    Pipelines.runUnchecked(
        Runner.FLINK,
        p ->
            p.apply(Lake.read(lake, "t.chunks"))
                .apply(Dedup.nearDuplicates())
                .apply(Cluster.kMeans().withK(3).withIterations(3))
                .apply(Lake.writeBackColumns(lake, "t.chunks")));
    Map<String, Record> flink = rows();
    // the groups are named by chunk_id: identical; cluster ids may be permuted (the second run
    // reads the rewritten files, so its seeding sample differs) but the partition of the three
    // blobs is the same; the two planted outliers may join either neighbouring cluster
    Map<Object, Object> clusterMapping = new HashMap<>();
    for (String id : direct.keySet()) {
      for (String column : new String[] {"dup_group", "is_canonical"}) {
        assertThat(flink.get(id).getField(column))
            .as(id + "." + column)
            .isEqualTo(direct.get(id).getField(column));
      }
      if (!data.blob.containsKey(id)) {
        continue;
      }
      Object was = direct.get(id).getField("cluster_id");
      assertThat(clusterMapping.computeIfAbsent(was, c -> flink.get(id).getField("cluster_id")))
          .as(id + ".cluster_id")
          .isEqualTo(flink.get(id).getField("cluster_id"));
    }
    assertThat(clusterMapping.values()).hasSize(3).doesNotHaveDuplicates();
  }

  private Map<String, Record> rows() {
    Collection c = lake.collection("t.chunks").refreshMetadata();
    Map<String, Record> out = new HashMap<>();
    for (Record r : LiveRows.readAll(c.table(), TableState.of(c.table()), c.schema())) {
      out.put((String) r.getField("chunk_id"), r);
    }
    return out;
  }
}
