package io.lakebeam.xlang;

import io.lakebeam.multimodal.image.ImageModelSpec;
import io.lakebeam.transforms.embed.Embed;
import java.nio.file.Path;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.transforms.SchemaTransform;

/**
 * {@code beam:schematransform:org.lakebeam:embed_image:v1}: {@link Embed#image()} for Python and
 * YAML: adds a vector field embedding the picture a STRING field names, with any ONNX image
 * encoder.
 *
 * <pre>{@code
 * - type: LakebeamEmbedImage
 *   config: {model_path: /models/clip-vision.onnx, normalization: clip}
 * }</pre>
 */
public final class EmbedImageSchemaTransformProvider extends LakebeamSchemaTransformProvider {
  static final String MODEL_PATH = "model_path";
  static final String NORMALIZATION = "normalization";
  static final String INPUT_SIZE = "input_size";
  static final String INPUT_FIELD = "input_field";
  static final String OUTPUT_FIELD = "output_field";
  static final String BATCH_SIZE = "batch_size";

  public EmbedImageSchemaTransformProvider() {
    super("embed_image");
  }

  @Override
  public String description() {
    return "Adds a vector field embedding the picture a STRING field names (ONNX image encoder).";
  }

  @Override
  public Schema configurationSchema() {
    return Schema.builder()
        .addField(required(MODEL_PATH, FieldType.STRING, "Path of the .onnx encoder. Required."))
        .addField(
            optional(
                NORMALIZATION, FieldType.STRING, "Pixel mean/std: clip or imagenet. Default clip."))
        .addField(optional(INPUT_SIZE, FieldType.INT32, "Input side in pixels. Default 224."))
        .addField(
            optional(
                INPUT_FIELD,
                FieldType.STRING,
                "STRING field naming the picture. Default thumbnail_uri."))
        .addField(optional(OUTPUT_FIELD, FieldType.STRING, "New vector field. Default embedding."))
        .addField(optional(BATCH_SIZE, FieldType.INT32, "Pictures per model call, 1-4096. 32."))
        .addField(
            optionalLakehouse("Lakehouse whose storage settings read object-storage pictures."))
        .build();
  }

  @Override
  protected SchemaTransform build(Config config) {
    Path onnx = Path.of(config.requiredString(MODEL_PATH));
    ImageModelSpec model =
        config.choice(NORMALIZATION, "clip", "imagenet").equals("clip")
            ? ImageModelSpec.clip(onnx)
            : ImageModelSpec.imagenet(onnx);
    if (config.has(INPUT_SIZE)) {
      model = model.withInputSize(config.integer(INPUT_SIZE, 224));
    }
    Embed.Image embed =
        Embed.image()
            .withModel(model)
            .fromField(config.string(INPUT_FIELD, "thumbnail_uri"))
            .toField(config.string(OUTPUT_FIELD, "embedding"))
            .withBatchSize(config.integer(BATCH_SIZE, 32));
    if (config.has(LAKEHOUSE)) {
      embed = embed.withLakehouse(config.lakehouse(LAKEHOUSE));
    }
    return applying("Embed images", embed);
  }
}
