package io.lakebeam.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.core.index.IndexParams;
import io.lakebeam.core.index.IndexService;
import io.lakebeam.core.index.SearchHit;
import io.lakebeam.core.index.SearchRequest;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.LakehouseConfig;
import io.lakebeam.core.lake.Metric;
import io.lakebeam.core.read.LiveRows;
import io.lakebeam.core.read.TableState;
import io.lakebeam.core.write.ColumnRewrite;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lake on a real Iceberg REST catalog server (Iceberg's own, in a child JVM) over S3Proxy:
 * ingest, a curation write-back, index build, search, index manifests through REST's commit path,
 * another engine reading the table, and a second writer committing concurrently.
 */
class RestCatalogIT {
  static final int DIM = 8;

  /**
   * Above the quantizer's minimum (1,024 rows) and the exact-search shortcut ({@code
   * SearchExecution.BRUTE_FORCE_MAX_ROWS}, 8,192), so index builds write quantized graph segments
   * and searches walk the graph loaded through the REST catalog.
   */
  static final int ROWS = 9_000;

  @TempDir static Path dir;
  static S3ProxyServer s3;
  static RestCatalogServer rest;
  static LakehouseConfig config;

  @BeforeAll
  static void startServers() throws Exception {
    s3 = S3ProxyServer.start(dir, "lake");
    rest = RestCatalogServer.start(dir, s3, "s3://lake/rest-wh");
    config = LakehouseConfig.of(rest.lakehouseProperties());
  }

  @AfterAll
  static void stopServers() throws Exception {
    if (rest != null) {
      rest.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void ingestCurateIndexAndSearchThroughRestAndAnotherEngineReadsTheTable() throws Exception {
    List<float[]> vectors;
    String manifest;
    try (Lakehouse lake = Lakehouse.open(config)) {
      assertThat(lake.catalog()).isInstanceOf(RESTCatalog.class);
      Collection c = lake.createCollection("docs", TestData.schema(DIM), Metric.COSINE, false);
      assertThat(c.table().location()).startsWith("s3://lake/rest-wh/");
      vectors = TestData.insert(c, 0, ROWS, DIM, 7);

      writeBackClusters(c, "cluster-run-1");

      IndexService.BuildResult built =
          lake.indexes().build(c, "embedding", null, IndexParams.defaults());
      assertThat(built.rowsIndexed()).isEqualTo(ROWS);
      assertThat(topHit(lake, c, vectors.get(11)).pos()).isEqualTo(11);

      c.refreshMetadata();
      manifest = c.table().properties().get("lakebeam.index.embedding.manifest");
      assertThat(manifest).startsWith(c.table().location() + "/metadata/").endsWith(".puffin");
      assertThat(lake.io().newInputFile(manifest).exists()).isTrue();
    }

    try (RESTCatalog other = PlainIcebergWriter.client(rest, "another-engine")) {
      Table t = other.loadTable(TableIdentifier.of("default", "docs"));
      assertThat(t.properties()).containsEntry("lakebeam.index.embedding.manifest", manifest);
      long rows = 0;
      try (CloseableIterable<Record> all =
          IcebergGenerics.read(t).select("id", "cluster_id").build()) {
        for (Record r : all) {
          assertThat(r.getField("cluster_id")).isEqualTo((int) ((Long) r.getField("id") % 5));
          rows++;
        }
      }
      assertThat(rows).isEqualTo(ROWS);
    }

    try (Lakehouse lake = Lakehouse.open(config)) {
      Collection c = lake.collection("docs");
      assertThat(lake.indexes().describe(c))
          .singleElement()
          .satisfies(d -> assertThat(d.get("stale")).isEqualTo(false));
      SearchHit hit = topHit(lake, c, vectors.get(1234));
      assertThat(hit.pos()).isEqualTo(1234);
      assertThat(hit.file()).startsWith("s3://lake/rest-wh/");
    }
  }

  @Test
  void secondWriterCommitsConcurrentlyAndRefreshIndexesItsRows() throws Exception {
    try (Lakehouse lake = Lakehouse.open(config);
        RESTCatalog other = PlainIcebergWriter.client(rest, "second-writer")) {
      Collection c = lake.createCollection("shared", TestData.schema(DIM), Metric.COSINE, false);
      TestData.insert(c, 0, ROWS, DIM, 11);
      lake.indexes().build(c, "embedding", null, IndexParams.defaults());
      TableIdentifier id = TableIdentifier.of("default", "shared");

      // A deterministic conflict: the second writer holds stale metadata while Lakebeam commits a
      // write-back; its append is refused by the server (409) and retried on the new snapshot.
      Table stale = other.loadTable(id);
      long curated = writeBackClusters(c, "cluster-run-shared");
      Snapshot appended = PlainIcebergWriter.append(stale, 100_000, 200, DIM, 1);
      assertThat(appended.parentId()).isEqualTo(curated);

      // Both writers at once: four appends each.
      CountDownLatch go = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        Future<?> theirs =
            pool.submit(
                () -> {
                  go.await();
                  Table t = other.loadTable(id);
                  for (int i = 0; i < 4; i++) {
                    PlainIcebergWriter.append(t, 200_000 + i * 100, 100, DIM, 10 + i);
                  }
                  return null;
                });
        Future<?> ours =
            pool.submit(
                () -> {
                  go.await();
                  for (int i = 0; i < 4; i++) {
                    TestData.insert(c, 300_000 + i * 100, 100, DIM, 20 + i);
                  }
                  return null;
                });
        go.countDown();
        theirs.get(120, TimeUnit.SECONDS);
        ours.get(120, TimeUnit.SECONDS);
      } finally {
        pool.shutdownNow();
      }

      int expected = ROWS + 200 + 400 + 400;
      c.refreshMetadata();
      assertThat(TableState.of(c.table(), c.snapshotId()).liveRowCount()).isEqualTo(expected);
      List<Record> rows =
          LiveRows.readAll(
              c.table(), TableState.of(c.table(), c.snapshotId()), c.schema().select("id"));
      assertThat(rows).extracting(r -> r.getField("id")).doesNotHaveDuplicates().hasSize(expected);

      IndexService.BuildResult refreshed = lake.indexes().refresh(c).get(0);
      assertThat(refreshed.rowsIndexed()).isEqualTo(expected);
      // the second writer's rows are found through the index, by their own vectors
      float[] theirs = PlainIcebergWriter.vector(10 + 2, 57, DIM);
      SearchHit hit = topHit(lake, c, theirs);
      assertThat(hit.file()).contains("other-writer-200200");
      assertThat(hit.pos()).isEqualTo(57);
      assertThat(hit.score()).isGreaterThan(0.999f);
    }
  }

  /** Writes cluster_id = id % 5 into every row; returns the commit's snapshot id. */
  private static long writeBackClusters(Collection c, String writeId) {
    ColumnRewrite plan = ColumnRewrite.plan(c, Map.of("cluster_id", Types.IntegerType.get()));
    TableState state = TableState.of(c.table(), plan.baseSnapshotId());
    Map<String, DataFile> rewritten = new HashMap<>();
    for (String path : plan.baseFiles()) {
      Map<Long, Object[]> values = new HashMap<>();
      long[] pos = {0};
      LiveRows.forEachInFile(
          c.table(),
          state,
          path,
          c.schema().select("id"),
          r -> values.put(pos[0]++, new Object[] {(int) ((Long) r.getField("id") % 5)}));
      rewritten.put(path, plan.rewrite(path, values));
    }
    return plan.commit(writeId, rewritten, Map.of("lakebeam.curated", writeId)).snapshotId();
  }

  private static SearchHit topHit(Lakehouse lake, Collection c, float[] q) {
    return lake.indexes()
        .search(c, new SearchRequest(null, new float[][] {q}, 5, 0, null))
        .get(0)
        .get(0);
  }
}
