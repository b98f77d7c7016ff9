package io.lakebeam.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebeam.core.index.IndexParams;
import io.lakebeam.core.index.SearchHit;
import io.lakebeam.core.index.SearchRequest;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.ExternalFiles;
import io.lakebeam.core.lake.ExternalRefresh;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.LakehouseConfig;
import io.lakebeam.core.lake.Metric;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.apache.iceberg.DataFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Refreshes of external collections: concurrent ones, and files overwritten in place. */
class ExternalRefreshTest {
  static final int DIM = 8;

  @TempDir Path dir;
  Path data;

  @BeforeEach
  void data() throws Exception {
    data = Files.createDirectories(dir.resolve("data"));
    ParquetFixtures.write(data.resolve("a.parquet"), 0, 20, DIM, 1);
  }

  private Lakehouse open() {
    return Lakehouse.open(
        LakehouseConfig.of(dir.resolve("lake").toString())
            .withAllowedSources(List.of(data.toString())));
  }

  @Test
  void twoRefreshesAtOnceRegisterANewFileOnce() throws Exception {
    try (Lakehouse lake = open()) {
      lake.createExternalCollection("ext", data.toString(), null, Metric.COSINE, false);
      ParquetFixtures.write(data.resolve("b.parquet"), 20, 10, DIM, 2);
      // two servers (two table handles) plan against the same snapshot, then both commit
      ExternalRefresh first = ExternalRefresh.plan(lake.collection("ext"));
      ExternalRefresh second = ExternalRefresh.plan(lake.collection("ext"));
      assertThat(first.commit().addedFiles()).isEqualTo(1);
      ExternalFiles.Result late = second.commit();
      assertThat(late.addedFiles()).as("re-planned after the conflict").isZero();

      Collection c = lake.collection("ext");
      assertThat(c.liveFiles())
          .extracting(f -> f.path().toString())
          .containsExactly(
              data.resolve("a.parquet").toString(), data.resolve("b.parquet").toString());
      assertThat(c.liveFiles().stream().mapToLong(DataFile::recordCount).sum()).isEqualTo(30);
    }
  }

  @Test
  void aFileOverwrittenInPlaceIsRegisteredAgainAndReindexed() throws Exception {
    Path a = data.resolve("a.parquet");
    try (Lakehouse lake = open()) {
      lake.createExternalCollection("ext", data.toString(), null, Metric.COSINE, false);
      Collection c = lake.collection("ext");
      lake.indexes().build(c, "embedding", null, IndexParams.defaults());
      String file = a.toString();
      assertThat(lake.indexes().columnCache().columns(c.table(), file, List.of("text")))
          .extractingByKey("text")
          .satisfies(v -> assertThat(((Object[]) v)[0].toString()).isEqualTo("row 0"));

      overwrite(a, 100, 30, 5); // new rows, new size, same path
      float[] row25 = ParquetFixtures.vector(5, 25, DIM);
      SearchRequest query = new SearchRequest(null, new float[][] {row25}, 40, 0, null);
      // before the refresh: a clear error, not rows at positions of the old bytes
      assertThatThrownBy(() -> lake.indexes().search(c, query))
          .hasMessageContaining("changed or disappeared since it was registered")
          .hasMessageContaining("refresh 'ext'");
      ExternalFiles.Result r = c.refreshExternal();
      assertThat(r.addedFiles()).isEqualTo(1);
      assertThat(r.removedFiles()).isEqualTo(1);
      assertThat(c.refreshMetadata().liveFiles())
          .singleElement()
          .satisfies(f -> assertThat(f.recordCount()).isEqualTo(30));
      assertThat(lake.indexes().refresh(c))
          .singleElement()
          .satisfies(b -> assertThat(b.mode()).isEqualTo("incremental"));

      // the index points at the new bytes, and cached columns are the new ones
      List<SearchHit> hits = lake.indexes().search(c, query).get(0);
      assertThat(hits.get(0).pos()).isEqualTo(25);
      assertThat(hits).hasSize(30);
      assertThat(lake.indexes().columnCache().columns(c.table(), file, List.of("text")))
          .extractingByKey("text")
          .satisfies(v -> assertThat(((Object[]) v)[0].toString()).isEqualTo("row 100"));
    }
  }

  @Test
  void aSameSizeRewriteIsFoundByItsModificationTime() throws Exception {
    Path a = data.resolve("a.parquet");
    try (Lakehouse lake = open()) {
      lake.createExternalCollection("ext", data.toString(), null, Metric.COSINE, false);
      Collection c = lake.collection("ext");
      assertThat(ExternalRefresh.plan(c).changedFiles()).isEmpty();
      long size = Files.size(a);
      overwrite(a, 0, 20, 1); // the same bytes again, written later
      assertThat(Files.size(a)).isEqualTo(size);
      long registeredAt = c.refreshMetadata().table().currentSnapshot().timestampMillis();
      Files.setLastModifiedTime(a, FileTime.fromMillis(registeredAt + 1));
      assertThat(ExternalRefresh.plan(c).changedFiles()).containsExactly(a.toString());
      assertThat(c.refreshExternal().addedFiles()).isEqualTo(1);
      assertThat(ExternalRefresh.plan(c).changedFiles()).isEmpty();
    }
  }

  /** Replaces a file in place, as a tool that rewrites its output would. */
  private void overwrite(Path target, long firstId, int rows, long seed) throws Exception {
    Path tmp = ParquetFixtures.write(dir.resolve("next.parquet"), firstId, rows, DIM, seed);
    Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }
}
