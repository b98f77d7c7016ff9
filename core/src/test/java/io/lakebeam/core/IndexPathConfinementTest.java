package io.lakebeam.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebeam.core.index.IndexParams;
import io.lakebeam.core.index.SearchHit;
import io.lakebeam.core.index.SearchRequest;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.LakehouseConfig;
import io.lakebeam.core.lake.Metric;
import io.lakebeam.core.lake.VectorField;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.UpdateProperties;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Column names never become parts of file paths: index files are named by field id. */
class IndexPathConfinementTest {
  static final int DIM = 8;
  static final String ESCAPE = "../../../../escape";

  @TempDir Path dir;

  private Lakehouse open() {
    return Lakehouse.open(
        LakehouseConfig.of(dir.resolve("lake").toString())
            .withAllowedSources(List.of(dir.resolve("data").toString())));
  }

  @Test
  void columnNamesThatCouldBePathsAreRefusedAtCreate() throws Exception {
    try (Lakehouse lake = open()) {
      for (String bad : List.of(ESCAPE, "a/b", "a.b", "x y", "-x", "é", "a".repeat(129))) {
        assertThatThrownBy(
                () ->
                    lake.createCollection(
                        "c", Map.of(bad, "float_vector(8)"), Metric.COSINE, false))
            .as(bad)
            .isInstanceOf(LakebeamException.class)
            .hasMessageContaining("Cannot use column name")
            .hasMessageContaining("letters, digits, '_' and '-'");
      }
      assertThatThrownBy(
              () -> lake.createCollection("c", Map.of("_x", "int"), Metric.COSINE, false))
          .hasMessageContaining("must not start with '_'");
      assertThat(
              lake.createCollection(
                  "c", Map.of("emb-v2_1", "float_vector(8)"), Metric.COSINE, false))
          .isNotNull();

      Path data = Files.createDirectories(dir.resolve("data"));
      writeVectors(data.resolve("a.parquet"), ESCAPE, 5);
      assertThatThrownBy(
              () -> lake.createExternalCollection("ext", data.toString(), null, null, false))
          .hasMessageContaining("Cannot use column name");
      assertThat(lake.hasCollection("ext")).isFalse();
    }
  }

  @Test
  void indexFilesStayInTheTableWhateverAnotherEngineRenamedTheColumnTo() throws Exception {
    try (Lakehouse lake = open()) {
      Collection c = lake.createCollection("docs", TestData.schema(DIM), Metric.COSINE, false);
      List<float[]> vectors = TestData.insert(c, 0, 40, DIM, 7);
      // another engine (Spark, pyiceberg) renames the vector column to a path-like name
      Table table = c.table();
      int fieldId = table.schema().findField("embedding").fieldId();
      table.updateSchema().renameColumn("embedding", ESCAPE).commit();
      UpdateProperties props = table.updateProperties();
      new VectorField("embedding", DIM, Metric.COSINE, null)
          .toProperties()
          .keySet()
          .forEach(props::remove);
      new VectorField(ESCAPE, DIM, Metric.COSINE, null).toProperties().forEach(props::set);
      props.commit();

      Collection renamed = lake.collection("docs");
      lake.indexes().build(renamed, ESCAPE, null, IndexParams.defaults());

      Path location = Path.of(table.location());
      assertThat(location.resolve("lakebeam-index/field-" + fieldId)).isDirectory();
      try (Stream<Path> all = Files.walk(dir)) {
        assertThat(all.filter(Files::isRegularFile))
            .as("every file is in the warehouse")
            .allMatch(p -> p.startsWith(Path.of(lake.config().warehouse())));
      }
      assertThat(dir.resolve("lake/escape")).doesNotExist();
      List<SearchHit> hits =
          lake.indexes()
              .search(
                  renamed, new SearchRequest(ESCAPE, new float[][] {vectors.get(3)}, 1, 0, null))
              .get(0);
      assertThat(hits.get(0).pos()).isEqualTo(3);
    }
  }

  private static void writeVectors(Path path, String column, int rows) throws Exception {
    Schema schema =
        new Schema(
            Types.NestedField.required(1, "id", Types.LongType.get()),
            Types.NestedField.optional(
                2, column, Types.ListType.ofRequired(3, Types.FloatType.get())));
    try (FileAppender<Record> w =
        Parquet.write(org.apache.iceberg.Files.localOutput(path.toFile()))
            .schema(schema)
            .createWriterFunc(GenericParquetWriter::buildWriter)
            .build()) {
      for (int i = 0; i < rows; i++) {
        Record r = GenericRecord.create(schema);
        r.setField("id", (long) i);
        r.setField(column, TestData.boxed(new float[] {i, 1, 2, 3, 4, 5, 6, 7}));
        w.add(r);
      }
    }
  }
}
