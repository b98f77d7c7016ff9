package io.lakebeam.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebeam.core.lake.ExternalFiles;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.LakehouseConfig;
import io.lakebeam.core.lake.Metric;
import io.lakebeam.core.lake.SourceRoots;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** External collections read only under the allowed source roots, and errors reveal no file. */
class SourceConfinementTest {
  static final String REFUSED = "is not under a source root this server allows";
  static final String SECRET = "root:x:0:0:root:/root:/bin/bash\n";

  @TempDir Path dir;
  Path data;
  Path outside;

  @BeforeEach
  void files() throws Exception {
    data = Files.createDirectories(dir.resolve("data"));
    outside = Files.createDirectories(dir.resolve("outside"));
    ParquetFixtures.write(data.resolve("a.parquet"), 0, 10, 8, 1);
    ParquetFixtures.write(outside.resolve("real.parquet"), 0, 10, 8, 2);
    Files.writeString(outside.resolve("passwd"), SECRET);
  }

  private Lakehouse open(String... roots) {
    return Lakehouse.open(
        LakehouseConfig.of(dir.resolve("lake").toString()).withAllowedSources(List.of(roots)));
  }

  private static void assertRefused(Lakehouse lake, String src) {
    assertThatThrownBy(() -> lake.createExternalCollection("x", src, null, Metric.COSINE, false))
        .isInstanceOf(LakebeamException.class)
        .hasMessageContaining(REFUSED)
        .hasMessageNotContaining("bash")
        .hasMessageNotContaining("exist");
    assertThat(lake.hasCollection("x")).isFalse();
  }

  @Test
  void sourcesOutsideTheRootsAreRefusedAlikeWhetherOrNotTheyExist() throws Exception {
    try (Lakehouse lake = open(data.toString())) {
      assertRefused(lake, outside.resolve("passwd").toString());
      assertRefused(lake, outside.resolve("no-such-file").toString());
      assertRefused(lake, outside.toString());
      assertRefused(lake, "/");
      assertRefused(lake, "/**");
      assertRefused(lake, "*");
      assertRefused(lake, "file:" + outside.resolve("passwd"));
      assertRefused(lake, "file://" + outside + "/*");
      assertRefused(lake, data + "/../outside/passwd");
      assertRefused(lake, data + "/*/../../outside/*");
      assertRefused(lake, dir + "/da*/a.parquet");
      assertRefused(lake, "s3://bucket/anything/*.parquet");
    }
  }

  @Test
  void symbolicLinksLeadingOutOfARootAreNotFollowed() throws Exception {
    Files.createSymbolicLink(data.resolve("linkdir"), outside);
    Path single = Files.createDirectories(dir.resolve("single"));
    Files.createSymbolicLink(single.resolve("link.parquet"), outside.resolve("real.parquet"));
    try (Lakehouse lake = open(data.toString(), single.toString())) {
      assertRefused(lake, data + "/linkdir/*.parquet");
      assertRefused(lake, data.resolve("linkdir").toString());
      // a linked file inside a root is left out of the listing, unread
      assertThatThrownBy(
              () -> lake.createExternalCollection("x", single.toString(), null, null, false))
          .hasMessageContaining("no file matches");
      ExternalFiles.Result r =
          lake.createExternalCollection("ok", "file://" + data, null, Metric.COSINE, false);
      assertThat(r.addedFiles()).isEqualTo(1);
      assertThat(lake.collection("ok").source()).isEqualTo(data.toString());
    }
  }

  @Test
  void defaultRootIsTheWarehouseOnly() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.resolve("lake").toString())) {
      assertRefused(lake, data + "/*.parquet");
      Path inWarehouse =
          Files.createDirectories(Path.of(lake.config().warehouse()).resolve("imports"));
      ParquetFixtures.write(inWarehouse.resolve("b.parquet"), 0, 5, 8, 3);
      assertThat(
              lake.createExternalCollection("w", inWarehouse.toString(), null, Metric.COSINE, false)
                  .rows())
          .isEqualTo(5);
    }
  }

  @Test
  void aNonParquetFileInsideARootIsNamedButItsBytesAreNot() throws Exception {
    Files.writeString(data.resolve("passwd.parquet"), SECRET);
    try (Lakehouse lake = open(data.toString())) {
      assertThatThrownBy(
              () ->
                  lake.createExternalCollection(
                      "s", data + "/*.parquet", null, Metric.COSINE, true))
          .hasMessageContaining("passwd.parquet: not a Parquet file")
          .hasMessageNotContaining("bash")
          .hasMessageNotContaining("magic")
          .hasMessageNotContaining("[");
      assertThatThrownBy(
              () ->
                  lake.createExternalCollection(
                      "s", data.resolve("passwd.parquet").toString(), null, Metric.COSINE, false))
          .hasMessageContaining("passwd.parquet")
          .hasMessageNotContaining("bash")
          .hasMessageNotContaining("magic");
      ExternalFiles.Result r =
          lake.createExternalCollection("s", data + "/*.parquet", null, Metric.COSINE, false);
      assertThat(r.rejected())
          .singleElement()
          .satisfies(x -> assertThat(x.reason()).isEqualTo("not a Parquet file"));
    }
  }

  @Test
  void objectPrefixesAreComparedSegmentBySegment() {
    SourceRoots roots = SourceRoots.of(List.of("s3://lake/raw"));
    assertThat(roots.check("s3://lake/raw/docs/*.parquet"))
        .isEqualTo("s3://lake/raw/docs/*.parquet");
    assertThat(roots.check("s3a://lake/raw/docs/")).isEqualTo("s3a://lake/raw/docs/");
    for (String bad :
        List.of(
            "s3://lake/raw/../secret/a.parquet",
            "s3://lake/rawx/a.parquet",
            "s3://lake/r*/a.parquet",
            "s3://lake/**",
            "s3://other/raw/a.parquet",
            "gs://lake/raw/a.parquet",
            "s3://lake")) {
      assertThatThrownBy(() -> roots.check(bad)).as(bad).hasMessageContaining(REFUSED);
    }
    assertThat(roots.allows("s3://lake/raw2/a.parquet")).isFalse();
    assertThat(roots.allows("s3://lake/raw/a.parquet")).isTrue();
    assertThatThrownBy(() -> SourceRoots.of(List.of("/")))
        .hasMessageContaining("Cannot allow source root '/'");
  }
}
