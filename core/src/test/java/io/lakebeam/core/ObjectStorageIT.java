package io.lakebeam.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.core.index.IndexParams;
import io.lakebeam.core.index.SearchHit;
import io.lakebeam.core.index.SearchRequest;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.ExternalFiles;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.LakehouseConfig;
import io.lakebeam.core.lake.Metric;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.io.FileIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lake on object storage: a real S3 API (S3Proxy) on 127.0.0.1 and Iceberg's S3FileIO. */
class ObjectStorageIT {
  static final int DIM = 8;
  @TempDir static Path dir;
  static S3ProxyServer s3;

  @BeforeAll
  static void startS3() throws Exception {
    s3 = S3ProxyServer.start(dir, "lake");
  }

  @AfterAll
  static void stopS3() throws Exception {
    s3.close();
  }

  @Test
  void managedCollectionOnS3IndexesAndSurvivesReopen() throws Exception {
    LakehouseConfig config =
        LakehouseConfig.of(s3.lakehouseProperties(dir.resolve("managed"), "lake", "wh1"));
    Files.createDirectories(dir.resolve("managed"));
    List<float[]> vectors;
    try (Lakehouse lake = Lakehouse.open(config)) {
      Collection c =
          lake.createCollection("docs", LakehouseIndexTest.schema(8), Metric.COSINE, false);
      assertThat(c.table().location()).startsWith("s3://lake/wh1");
      vectors = TestData.insert(c, 0, 300, DIM, 7);
      lake.indexes().build(c, "embedding", null, IndexParams.defaults());
    }
    try (Lakehouse lake = Lakehouse.open(config)) {
      Collection c = lake.collection("docs");
      assertThat(lake.indexes().describe(c))
          .singleElement()
          .satisfies(d -> assertThat(d.get("stale")).isEqualTo(false));
      List<SearchHit> hits =
          lake.indexes()
              .search(c, new SearchRequest(null, new float[][] {vectors.get(11)}, 3, 0, null))
              .get(0);
      assertThat(hits.get(0).pos()).isEqualTo(11);
      assertThat(hits.get(0).file()).startsWith("s3://lake/wh1/");
    }
  }

  @Test
  void externalParquetOnS3RegisteredInPlaceAndRefreshed() throws Exception {
    Path local = dir.resolve("external-local");
    Files.createDirectories(local);
    LakehouseConfig config =
        LakehouseConfig.of(s3.lakehouseProperties(local, "lake", "wh2"))
            .withAllowedSources(List.of("s3://lake/raw"));
    try (Lakehouse lake = Lakehouse.open(config)) {
      FileIO io = lake.io();
      upload(
          io,
          ParquetFixtures.write(local.resolve("a.parquet"), 0, 100, DIM, 1),
          "s3://lake/raw/docs/a.parquet");
      upload(
          io,
          ParquetFixtures.write(local.resolve("b.parquet"), 100, 100, DIM, 2),
          "s3://lake/raw/docs/b.parquet");
      upload(
          io,
          Files.writeString(local.resolve("notes.txt"), "not parquet"),
          "s3://lake/raw/docs/notes.parquet");
      ExternalFiles.Result r =
          lake.createExternalCollection(
              "ext",
              "s3://lake/raw/docs/*.parquet",
              Map.of("embedding", "float_vector(" + DIM + ")"),
              Metric.COSINE,
              false);
      assertThat(r.addedFiles()).isEqualTo(2);
      assertThat(r.rows()).isEqualTo(200);
      assertThat(r.rejected())
          .singleElement()
          .satisfies(
              x -> {
                assertThat(x.file()).endsWith("notes.parquet");
                assertThat(x.reason()).isEqualTo("not a Parquet file");
              });
      Collection c = lake.collection("ext");
      // registered in place: data files are the uploaded objects themselves
      assertThat(c.liveFiles())
          .extracting(f -> f.path().toString())
          .containsExactly("s3://lake/raw/docs/a.parquet", "s3://lake/raw/docs/b.parquet");
      lake.indexes().build(c, "embedding", null, IndexParams.defaults());

      io.deleteFile("s3://lake/raw/docs/a.parquet");
      upload(
          io,
          ParquetFixtures.write(local.resolve("c.parquet"), 200, 50, DIM, 3),
          "s3://lake/raw/docs/c.parquet");
      ExternalFiles.Result refreshed = c.refreshExternal();
      assertThat(refreshed.addedFiles()).isEqualTo(1);
      assertThat(refreshed.removedFiles()).isEqualTo(1);
      var idx = lake.indexes().refresh(c).get(0);
      assertThat(idx.mode()).isEqualTo("incremental");
      float[] q = ParquetFixtures.vector(1, 5, DIM); // row 5 of the removed file a.parquet
      List<SearchHit> hits =
          lake.indexes().search(c, new SearchRequest(null, new float[][] {q}, 200, 0, null)).get(0);
      assertThat(hits).hasSize(150).noneMatch(h -> h.file().endsWith("a.parquet"));
    }
  }

  private static void upload(FileIO io, Path file, String location) throws Exception {
    try (OutputStream out = io.newOutputFile(location).createOrOverwrite()) {
      Files.copy(file, out);
    }
  }
}
