package io.lakebeam.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebeam.core.index.IndexParams;
import io.lakebeam.core.index.SearchHit;
import io.lakebeam.core.index.SearchRequest;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.ExternalFiles;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.LakehouseConfig;
import io.lakebeam.core.lake.Metric;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExternalCollectionTest {
  static final int DIM = 8;
  @TempDir Path dir;

  @Test
  void registersInPlaceInfersVectorsAndRejectsBadFiles() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    ParquetFixtures.write(data.resolve("a.parquet"), 0, 50, DIM, 1);
    ParquetFixtures.write(data.resolve("b.parquet"), 50, 50, DIM, 2);
    Files.writeString(data.resolve("junk.parquet"), "this is not parquet");
    writeWrongType(data.resolve("wrongtype.parquet"));
    try (Lakehouse lake = open()) {
      // no schema mapping: vector dimension inferred from the data
      ExternalFiles.Result r =
          lake.createExternalCollection("ext", data + "/*.parquet", null, Metric.COSINE, false);
      assertThat(r.addedFiles()).isEqualTo(2);
      assertThat(r.rows()).isEqualTo(100);
      assertThat(r.rejected())
          .extracting(ExternalFiles.Rejected::file)
          .containsExactlyInAnyOrder(
              data.resolve("junk.parquet").toString(),
              data.resolve("wrongtype.parquet").toString());
      assertThat(r.rejected())
          .anySatisfy(x -> assertThat(x.reason()).contains("column 'embedding' is"));
      Collection c = lake.collection("ext");
      assertThat(c.vectorField("embedding").dimension()).isEqualTo(DIM);
      assertThat(c.liveFiles())
          .extracting(f -> f.path().toString())
          .containsExactly(
              data.resolve("a.parquet").toString(), data.resolve("b.parquet").toString());

      lake.indexes().build(c, "embedding", null, IndexParams.defaults());
      List<SearchHit> hits =
          lake.indexes()
              .search(
                  c,
                  new SearchRequest(
                      null,
                      new float[][] {ParquetFixtures.vector(2, 8, DIM)},
                      1,
                      0,
                      "lang = 'fr' OR lang = 'de'"))
              .get(0);
      assertThat(hits.get(0).file()).endsWith("b.parquet");
      assertThat(hits.get(0).pos()).isEqualTo(8);

      // refresh picks up only the change
      Files.delete(data.resolve("junk.parquet"));
      Files.delete(data.resolve("wrongtype.parquet"));
      Files.delete(data.resolve("a.parquet"));
      ParquetFixtures.write(data.resolve("c.parquet"), 100, 20, DIM, 3);
      ExternalFiles.Result refreshed = c.refreshExternal();
      assertThat(refreshed.addedFiles()).isEqualTo(1);
      assertThat(refreshed.removedFiles()).isEqualTo(1);
      assertThat(refreshed.rejected()).isEmpty();
      ExternalFiles.Result again = c.refreshExternal();
      assertThat(again.addedFiles() + again.removedFiles()).isZero();
    }
  }

  @Test
  void strictModeAndMappingErrorsAreClear() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    ParquetFixtures.write(data.resolve("a.parquet"), 0, 10, DIM, 1);
    Files.writeString(data.resolve("junk.parquet"), "junk");
    try (Lakehouse lake = open()) {
      String glob = data + "/*.parquet";
      assertThatThrownBy(() -> lake.createExternalCollection("s", glob, null, Metric.COSINE, true))
          .hasMessageContaining("junk.parquet")
          .hasMessageContaining("strict");
      assertThat(lake.hasCollection("s")).isFalse();
      assertThatThrownBy(
              () ->
                  lake.createExternalCollection(
                      "m", glob, Map.of("missing", "string"), Metric.COSINE, false))
          .hasMessageContaining("no such column")
          .hasMessageContaining("embedding");
      assertThatThrownBy(
              () ->
                  lake.createExternalCollection(
                      "t", glob, Map.of("text", "float_vector(8)"), Metric.COSINE, false))
          .hasMessageContaining("not a list of float32");
      assertThatThrownBy(
              () ->
                  lake.createExternalCollection(
                      "d", glob, Map.of("embedding", "float_vector(0)"), Metric.COSINE, false))
          .hasMessageContaining("dimension must be between");
      assertThatThrownBy(
              () ->
                  lake.createExternalCollection(
                      "n", dir + "/nothing/*.parquet", null, Metric.COSINE, false))
          .hasMessageContaining("does not exist");
      lake.createExternalCollection(
          "ok", glob, Map.of("embedding", "float_vector(8)"), Metric.COSINE, false);
      assertThatThrownBy(
              () -> lake.createExternalCollection("ok", glob, null, Metric.COSINE, false))
          .hasMessageContaining("already exists");
      assertThatThrownBy(() -> lake.collection("ok").newWriter())
          .hasMessageContaining("Cannot write to external collection");
    }
  }

  @Test
  void wrongDimensionRowsAreSkippedAndReported() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    ParquetFixtures.write(data.resolve("a.parquet"), 0, 30, DIM, 1);
    ParquetFixtures.write(data.resolve("b.parquet"), 30, 5, DIM + 2, 2);
    try (Lakehouse lake = open()) {
      lake.createExternalCollection(
          "ext", data + "/*.parquet", Map.of("embedding", "float_vector(8)"), Metric.COSINE, true);
      Collection c = lake.collection("ext");
      var built = lake.indexes().build(c, "embedding", null, IndexParams.defaults());
      assertThat(built.rowsIndexed()).isEqualTo(30);
      assertThat(built.rowsSkipped()).isEqualTo(5);
      assertThat(built.skipped())
          .first()
          .satisfies(s -> assertThat(s.get("reason")).isEqualTo("dimension 10, expected 8"));
    }
  }

  private static void writeWrongType(Path path) throws Exception {
    Schema schema =
        new Schema(
            Types.NestedField.required(1, "id", Types.LongType.get()),
            Types.NestedField.optional(2, "embedding", Types.StringType.get()));
    try (FileAppender<Record> w =
        Parquet.write(org.apache.iceberg.Files.localOutput(path.toFile()))
            .schema(schema)
            .createWriterFunc(GenericParquetWriter::buildWriter)
            .build()) {
      Record r = GenericRecord.create(schema);
      r.setField("id", 1L);
      r.setField("embedding", "oops");
      w.add(r);
    }
  }

  /** The test's lakehouse, allowed to read the test's directory. */
  private Lakehouse open() {
    return Lakehouse.open(
        LakehouseConfig.of(dir.resolve("lake").toString())
            .withAllowedSources(List.of(dir.toString())));
  }
}
