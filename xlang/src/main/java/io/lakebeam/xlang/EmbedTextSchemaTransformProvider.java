package io.lakebeam.xlang;

import static com.google.common.base.Preconditions.checkArgument;

import io.lakebeam.embeddings.ModelSpec;
import io.lakebeam.embeddings.Models;
import io.lakebeam.transforms.embed.Embed;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.transforms.SchemaTransform;
import org.apache.beam.sdk.values.PCollectionRowTuple;

/**
 * {@code beam:schematransform:org.lakebeam:embed_text:v1}: {@link Embed#text()} for Python and
 * YAML.
 *
 * <pre>{@code
 * - type: LakebeamEmbedText
 *   config: {model: minilm, input_field: text, output_field: embedding}
 * }</pre>
 */
public final class EmbedTextSchemaTransformProvider extends LakebeamSchemaTransformProvider {
  static final String MODEL = "model";
  static final String INPUT_FIELD = "input_field";
  static final String OUTPUT_FIELD = "output_field";
  static final String BATCH_SIZE = "batch_size";

  public EmbedTextSchemaTransformProvider() {
    super("embed_text");
  }

  @Override
  public String description() {
    return "Adds a vector field embedding a STRING field with an ONNX sentence model.";
  }

  @Override
  public Schema configurationSchema() {
    return Schema.builder()
        .addField(
            Schema.Field.nullable(MODEL, Schema.FieldType.STRING)
                .withDescription("Model name: minilm (all-MiniLM-L6-v2) or bge. Default minilm."))
        .addField(
            Schema.Field.nullable(INPUT_FIELD, Schema.FieldType.STRING)
                .withDescription("STRING field to embed. Default text."))
        .addField(
            Schema.Field.nullable(OUTPUT_FIELD, Schema.FieldType.STRING)
                .withDescription("New vector field. Default embedding."))
        .addField(
            Schema.Field.nullable(BATCH_SIZE, Schema.FieldType.INT32)
                .withDescription("Rows per model call, 1-65536. Default 256."))
        .build();
  }

  static ModelSpec model(Config config, String field) {
    String name = config.string(field, "minilm");
    ModelSpec spec = Models.find(name);
    checkArgument(
        spec != null, "Cannot use model '%s' (option '%s'): use minilm or bge", name, field);
    return spec;
  }

  @Override
  protected SchemaTransform build(Config config) {
    Embed.Text embed =
        Embed.text()
            .withModel(model(config, MODEL))
            .fromField(config.string(INPUT_FIELD, "text"))
            .toField(config.string(OUTPUT_FIELD, "embedding"))
            .withBatchSize(config.integer(BATCH_SIZE, 256));
    return new SchemaTransform() {
      @Override
      public PCollectionRowTuple expand(PCollectionRowTuple input) {
        return PCollectionRowTuple.of(OUTPUT, input.get(INPUT).apply("Embed text", embed));
      }
    };
  }
}
