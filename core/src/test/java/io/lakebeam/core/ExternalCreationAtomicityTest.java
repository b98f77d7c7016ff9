package io.lakebeam.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.LakehouseConfig;
import io.lakebeam.core.lake.Metric;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.iceberg.BaseTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Creating an external collection is one commit: all of it exists, or none of it. */
class ExternalCreationAtomicityTest {
  @TempDir Path dir;

  private Lakehouse open() {
    return Lakehouse.open(
        LakehouseConfig.of(dir.resolve("lake").toString())
            .withAllowedSources(List.of(dir.resolve("data").toString())));
  }

  @Test
  void tableFilesAndInferredVectorsAreOneMetadataVersion() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    ParquetFixtures.write(data.resolve("a.parquet"), 0, 20, 8, 1);
    try (Lakehouse lake = open()) {
      lake.createExternalCollection("ext", data.toString(), null, Metric.COSINE, false);
      Collection c = lake.collection("ext");
      // a crash could only come before or after this one version: never between
      assertThat(((BaseTable) c.table()).operations().current().previousFiles()).isEmpty();
      assertThat(c.snapshotId()).isNotEqualTo(-1);
      assertThat(c.vectorField("embedding").dimension()).isEqualTo(8);
      assertThat(c.liveFiles()).hasSize(1);
    }
  }

  @Test
  void aFailedCreationLeavesNothingAndCanBeRetried() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    ParquetFixtures.write(data.resolve("a.parquet"), 0, 20, 8, 1);
    Path bad = Files.createDirectories(data.resolve("bad"));
    Files.writeString(bad.resolve("b.parquet"), "not parquet at all");
    try (Lakehouse lake = open()) {
      assertThatThrownBy(
              () -> lake.createExternalCollection("ext", bad.toString(), null, null, false))
          .hasMessageContaining("is a readable Parquet file");
      assertThat(lake.hasCollection("ext")).isFalse();
      assertThat(
              lake.createExternalCollection("ext", data + "/*.parquet", null, Metric.COSINE, false)
                  .rows())
          .isEqualTo(20);
      assertThatThrownBy(
              () ->
                  lake.createExternalCollection(
                      "ext", data + "/*.parquet", null, Metric.COSINE, false))
          .hasMessageContaining("already exists");
    }
  }
}
