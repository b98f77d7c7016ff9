package io.lakebeam.xlang;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.transforms.SchemaTransformProvider;
import org.apache.beam.sdk.values.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Discovery and configuration checks of the providers the expansion service serves. */
class LakebeamSchemaTransformProvidersTest {
  private static Map<String, SchemaTransformProvider> providers() {
    Map<String, SchemaTransformProvider> out = new TreeMap<>();
    for (SchemaTransformProvider p : ServiceLoader.load(SchemaTransformProvider.class)) {
      out.put(p.identifier(), p);
    }
    return out;
  }

  @Test
  void everyLakebeamProviderIsDiscoveredWithDescribedSnakeCaseOptions() {
    Map<String, SchemaTransformProvider> all = providers();
    assertThat(all)
        .containsKeys(
            "beam:schematransform:org.lakebeam:chunk:v1",
            "beam:schematransform:org.lakebeam:embed_text:v1",
            "beam:schematransform:org.lakebeam:lake_write:v1",
            "beam:schematransform:org.lakebeam:lake_read:v1",
            "beam:schematransform:org.lakebeam:lake_write_back:v1",
            "beam:schematransform:org.lakebeam:dedup:v1",
            "beam:schematransform:org.lakebeam:cluster:v1",
            "beam:schematransform:org.lakebeam:anomalies:v1",
            "beam:schematransform:org.lakebeam:documents_read:v1",
            "beam:schematransform:org.lakebeam:embed_image:v1",
            "beam:schematransform:org.lakebeam:frames:v1",
            "beam:schematransform:org.lakebeam:context_build:v1");
    all.entrySet().stream()
        .filter(e -> e.getKey().startsWith(LakebeamSchemaTransformProvider.URN_PREFIX))
        .forEach(
            e -> {
              for (Schema.Field f : e.getValue().configurationSchema().getFields()) {
                assertThat(f.getName()).as(e.getKey()).matches("[a-z][a-z0-9_]*");
                assertThat(f.getDescription()).as(e.getKey() + " " + f.getName()).isNotBlank();
              }
            });
  }

  @Test
  void anUnknownOptionFailsNamingItAndTheKnownOnes() {
    Schema withTypo =
        Schema.builder().addInt32Field("max_tokens").addInt32Field("max_tokenz").build();
    Row config = Row.withSchema(withTypo).addValues(64, 64).build();
    assertThatThrownBy(() -> new ChunkSchemaTransformProvider().from(config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown option(s) [max_tokenz]")
        .hasMessageContaining("overlap");
  }

  @Test
  void aMissingRequiredOptionFailsNamingIt() {
    Schema onlyCollection = Schema.builder().addNullableStringField("collection").build();
    Row config = Row.withSchema(onlyCollection).addValue("kb.chunks").build();
    assertThatThrownBy(() -> new LakeWriteSchemaTransformProvider().from(config))
        .hasMessageContaining("option 'lakehouse' is required");
  }

  @Test
  void anUnknownBatchingFailsNamingTheOptionAndTheChoices(@TempDir Path dir) {
    Schema schema =
        Schema.builder()
            .addStringField("lakehouse")
            .addStringField("collection")
            .addStringField("batching")
            .build();
    Row config =
        Row.withSchema(schema).addValues(dir.toString(), "kb.chunks", "per_window").build();
    assertThatThrownBy(() -> new LakeWriteSchemaTransformProvider().from(config))
        .hasMessageContaining(
            "option 'batching' is 'per_window'; use bundle or group_into_batches");
  }

  @Test
  void anUnknownModelFailsNamingTheOption() {
    Schema schema = Schema.builder().addNullableStringField("model").build();
    Row config = Row.withSchema(schema).addValue("gpt").build();
    assertThatThrownBy(() -> new EmbedTextSchemaTransformProvider().from(config))
        .hasMessageContaining("Cannot use model 'gpt' (option 'model')");
  }

  @Test
  void outOfRangeValuesFailWithTheTransformsOwnMessage() {
    Schema schema = Schema.builder().addNullableInt32Field("max_tokens").build();
    Row config = Row.withSchema(schema).addValue(4).build();
    assertThatThrownBy(() -> new ChunkSchemaTransformProvider().from(config))
        .hasMessageContaining("Cannot chunk to fewer than 16 tokens: 4");
  }
}
