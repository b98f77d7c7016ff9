package io.lakebeam.xlang;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.transforms.lake.Lake;
import io.lakebeam.transforms.lake.VectorOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.transforms.SchemaTransformProvider;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionRowTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * lake_read, lake_write_back, dedup, cluster and anomalies expanded from configuration rows (as the
 * expansion service does) and run on the Java Direct runner; one bad option each.
 */
class CurationSchemaTransformProvidersTest {
  private static final Schema ROWS =
      Schema.builder()
          .addStringField("id")
          .addStringField("text")
          .addField(VectorOptions.field("embedding", 4, "toy@1"))
          .build();

  @TempDir Path dir;

  /** A configuration row typed from the values: String, Integer, Long, Double, Boolean, List. */
  static Row config(Object... kv) {
    Schema.Builder schema = Schema.builder();
    List<Object> values = new ArrayList<>();
    for (int i = 0; i < kv.length; i += 2) {
      Object v = kv[i + 1];
      FieldType type =
          switch (v) {
            case String s -> FieldType.STRING;
            case Integer n -> FieldType.INT32;
            case Long n -> FieldType.INT64;
            case Double d -> FieldType.DOUBLE;
            case Boolean b -> FieldType.BOOLEAN;
            case List<?> l -> FieldType.array(FieldType.STRING);
            default -> throw new IllegalArgumentException("type of " + v);
          };
      schema.addNullableField((String) kv[i], type);
      values.add(v);
    }
    return Row.withSchema(schema.build()).addValues(values).build();
  }

  /** 120 rows in three tight vector groups; every tenth text repeats the one before it. */
  private static List<Row> rows() {
    Random random = new Random(7);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      int group = i % 3;
      List<Float> v = new ArrayList<>();
      for (int d = 0; d < 4; d++) {
        v.add((d == group ? 1f : 0f) + (float) random.nextGaussian() * 0.01f);
      }
      int textOf = i % 10 == 9 ? i - 1 : i;
      String text = "row " + textOf + " is about topic " + (textOf % 7) + " and nothing else here";
      rows.add(Row.withSchema(ROWS).addValues(String.format("r%03d", i), text, v).build());
    }
    return rows;
  }

  /** Applies the provider's transform to {@code input}; its output becomes the next input. */
  private static PCollectionRowTuple apply(
      SchemaTransformProvider provider, Row config, PCollectionRowTuple input) {
    PCollectionRowTuple out = input.apply(provider.identifier(), provider.from(config));
    return PCollectionRowTuple.of("input", out.get("output"));
  }

  private static PCollectionRowTuple created(Pipeline p) {
    return PCollectionRowTuple.of("input", p.apply(Create.of(rows()).withRowSchema(ROWS)));
  }

  /** Writes {@link #rows()} to {@code t.items} with the Java transform. */
  private String lakeWithRows() throws Exception {
    String lakehouse = dir.toString();
    try (Lakehouse lake = Lakehouse.open(lakehouse)) {
      Pipeline write = Pipeline.create(PipelineOptionsFactory.create());
      write.apply(Create.of(rows()).withRowSchema(ROWS)).apply(Lake.write(lake, "t.items"));
      run(write);
    }
    return lakehouse;
  }

  /** lake_read of {@code t.items}. */
  private static PCollectionRowTuple read(Pipeline p, String lakehouse, String... columns) {
    return apply(
        new LakeReadSchemaTransformProvider(),
        config("lakehouse", lakehouse, "collection", "t.items", "columns", List.of(columns)),
        PCollectionRowTuple.empty(p));
  }

  private static void run(Pipeline p) {
    assertThat(p.run().waitUntilFinish()).isEqualTo(PipelineResult.State.DONE);
  }

  @Test
  void lakeReadClusterAndWriteBackAddAClusterColumnToTheTable() throws Exception {
    String lakehouse = lakeWithRows();
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    PCollectionRowTuple clustered =
        apply(
            new ClusterSchemaTransformProvider(),
            config("k", 3, "iterations", 2),
            read(p, lakehouse, "embedding"));
    assertThat(clustered.get("input").getSchema().getFieldNames())
        .contains("embedding", "cluster_id", "cluster_distance")
        .contains(PortableRowPositions.FILE, PortableRowPositions.POS)
        .doesNotContain("_file", "_pos");
    apply(
        new LakeWriteBackSchemaTransformProvider(),
        config("lakehouse", lakehouse, "collection", "t.items"),
        clustered);
    run(p);

    List<Integer> clusters = new ArrayList<>();
    try (Lakehouse lake = Lakehouse.open(lakehouse);
        CloseableIterable<Record> records =
            IcebergGenerics.read(lake.collection("t.items").table()).build()) {
      for (Record r : records) {
        clusters.add((Integer) r.getField("cluster_id"));
      }
    }
    assertThat(clusters).hasSize(120).doesNotContainNull();
    assertThat(clusters.stream().distinct()).hasSize(3);
  }

  @Test
  void dedupMarksTheRepeatedTextsAndAnomaliesScoresEveryRow() throws Exception {
    String lakehouse = lakeWithRows();
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    PCollectionRowTuple marked =
        apply(
            new DedupSchemaTransformProvider(),
            config("method", "exact", "id_field", "id"),
            read(p, lakehouse, "id", "text", "embedding"));
    PCollectionRowTuple scored =
        apply(
            new AnomaliesSchemaTransformProvider(),
            config("trees", 20, "sample_size", 64, "top_fraction", 0.05),
            marked);
    PCollection<Row> out = scored.get("input");
    assertThat(out.getSchema().getFieldNames())
        .contains("exact_dup_group", "exact_is_canonical", "anomaly_score", "is_anomaly");
    PAssert.that(out)
        .satisfies(
            all -> {
              long copies = 0;
              long rows = 0;
              for (Row r : all) {
                rows++;
                assertThat(r.getDouble("anomaly_score")).isNotNull();
                if (!r.getBoolean("exact_is_canonical")) {
                  copies++;
                }
              }
              assertThat(rows).isEqualTo(120);
              assertThat(copies).isEqualTo(12);
              return null;
            });
    run(p);
  }

  @Test
  void nearDuplicatesExpandWithTheirOptions() throws Exception {
    String lakehouse = lakeWithRows();
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    PCollectionRowTuple marked =
        apply(
            new DedupSchemaTransformProvider(),
            config("jaccard", 0.9, "num_perm", 64, "output_prefix", "near_"),
            read(p, lakehouse, "id", "text"));
    assertThat(marked.get("input").getSchema().getFieldNames())
        .contains("near_dup_group", "near_is_canonical", "near_dup_similarity");
  }

  @Test
  void aBadOptionOfEachProviderFailsAtExpansionNamingIt() throws Exception {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      lake.createCollection(
          "t.items",
          java.util.Map.of("id", "string", "embedding", "float_vector(4)"),
          io.lakebeam.core.lake.Metric.COSINE,
          false);
    }
    assertThatThrownBy(
            () ->
                apply(
                    new LakeReadSchemaTransformProvider(),
                    config(
                        "lakehouse",
                        dir.toString(),
                        "collection",
                        "t.items",
                        "columns",
                        List.of("id", "embeding")),
                    PCollectionRowTuple.empty(p)))
        .hasMessageContaining("has no column 'embeding'");
    assertThatThrownBy(
            () ->
                apply(
                    new LakeWriteBackSchemaTransformProvider(),
                    config("lakehouse", dir.toString(), "collection", "t.items"),
                    created(p)))
        .hasMessageContaining("the rows carry no _file/_pos fields");
    assertThatThrownBy(
            () ->
                new DedupSchemaTransformProvider().from(config("method", "exact", "jaccard", 0.9)))
        .hasMessageContaining("option 'jaccard' applies only when method is near");
    assertThatThrownBy(() -> new ClusterSchemaTransformProvider().from(config("k", 0)))
        .hasMessageContaining("Cannot use k = 0: use 1-65536");
    assertThatThrownBy(() -> new AnomaliesSchemaTransformProvider().from(config("method", "lof")))
        .hasMessageContaining("option 'method' is 'lof'; use one of [isolation_forest");
  }
}
