package io.lakebeam.transforms.embed;

import static com.google.common.base.Preconditions.checkArgument;

import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.embeddings.ModelSpec;
import io.lakebeam.embeddings.Models;
import io.lakebeam.multimodal.image.ImageModelSpec;
import io.lakebeam.multimodal.image.OnnxImageEmbedder;
import io.lakebeam.transforms.BadRecords;
import io.lakebeam.transforms.lake.LakeTarget;
import io.lakebeam.transforms.lake.VectorOptions;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.transforms.errorhandling.BadRecordRouter;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Beam transforms that compute embeddings with ONNX Runtime in the worker JVM: {@link #text()} for
 * text, {@link #image()} for pictures (video frames' thumbnails, images) with any ONNX image
 * encoder.
 *
 * <pre>{@code
 * PCollection<Row> embedded =
 *     chunks.apply(Embed.text().withModel(Models.ALL_MINILM_L6_V2));
 * PCollection<Row> frameVectors =
 *     frames.apply(Embed.image().withModel(ImageModelSpec.clip(Path.of("clip-vision.onnx")))
 *         .withLakehouse(lake));
 * // any ONNX sentence-embedding model on disk:
 * ModelSpec e5 = ModelSpec.fromPath(onnx, tokenizerJson, Pooling.MEAN, true);
 * chunks.apply(Embed.text().withModel(e5).toField("embedding_e5"));
 * }</pre>
 *
 * <p>The output rows are the input rows plus one vector field that records the model's name and
 * version ({@link VectorOptions}), which {@code Lake.write} stores beside the column.
 */
public final class Embed {
  private Embed() {}

  /**
   * Embeds the {@code text} field into a new {@code embedding} field with all-MiniLM-L6-v2, 256
   * rows per model call.
   */
  public static Text text() {
    return new Text(Models.ALL_MINILM_L6_V2, "text", "embedding", 256, null);
  }

  /**
   * Embeds the picture that the {@code thumbnail_uri} field names (a path, or an object-storage URI
   * with {@link Image#withLakehouse}) into a new {@code embedding} field, 32 pictures per model
   * call. A model is required: {@link Image#withModel}.
   */
  public static Image image() {
    return new Image(null, "thumbnail_uri", "embedding", 32, null, null);
  }

  /** See {@link Embed#text()}. */
  public static final class Text extends PTransform<PCollection<Row>, PCollection<Row>> {
    private final ModelSpec model;
    private final String inputField;
    private final String outputField;
    private final int batchSize;
    private final ErrorHandler<BadRecord, ?> badRecords;

    private Text(
        ModelSpec model,
        String inputField,
        String outputField,
        int batchSize,
        ErrorHandler<BadRecord, ?> badRecords) {
      this.model = model;
      this.inputField = inputField;
      this.outputField = outputField;
      this.batchSize = batchSize;
      this.badRecords = badRecords;
    }

    /** The model. Default: all-MiniLM-L6-v2 ({@link Models}). */
    public Text withModel(ModelSpec newModel) {
      checkArgument(newModel != null, "Cannot embed with a null model");
      return new Text(newModel, inputField, outputField, batchSize, badRecords);
    }

    /** The STRING field to embed. Default: {@code text}. */
    public Text fromField(String field) {
      checkArgument(field != null && !field.isBlank(), "Cannot embed a blank field: %s", field);
      return new Text(model, field, outputField, batchSize, badRecords);
    }

    /** The new vector field. Default: {@code embedding}. */
    public Text toField(String field) {
      checkArgument(field != null && !field.isBlank(), "Cannot write a blank field: %s", field);
      return new Text(model, inputField, field, batchSize, badRecords);
    }

    /** Rows per model call (the embedder then batches by token length). Default 256; 1-65536. */
    public Text withBatchSize(int rows) {
      checkArgument(rows >= 1 && rows <= 65536, "Cannot use batch size %s: use 1-65536", rows);
      return new Text(model, inputField, outputField, rows, badRecords);
    }

    /** Sends rows that cannot be embedded to {@code handler} instead of failing. */
    public Text withBadRecordErrorHandler(ErrorHandler<BadRecord, ?> handler) {
      checkArgument(handler != null, "Cannot use a null error handler");
      return new Text(model, inputField, outputField, batchSize, handler);
    }

    @Override
    public PCollection<Row> expand(PCollection<Row> rows) {
      Schema in = rows.getSchema();
      checkArgument(
          in.hasField(inputField)
              && in.getField(inputField).getType().getTypeName() == TypeName.STRING,
          "Cannot embed field '%s': the rows have no STRING field of that name (fields: %s)",
          inputField,
          in.getFieldNames());
      checkArgument(
          !in.hasField(outputField),
          "Cannot add vector field '%s': the rows already have it; choose another with toField",
          outputField);
      Schema out =
          Schema.builder()
              .addFields(in.getFields())
              .addField(
                  VectorOptions.field(
                      outputField, model.dimension(), model.name() + "@" + model.version()))
              .build();
      BadRecordRouter router = BadRecords.routerFor(badRecords);
      PCollectionTuple result =
          rows.apply(
              "Embed " + inputField,
              ParDo.of(new EmbedFn(model, inputField, out, batchSize, router))
                  .withOutputTags(
                      EmbedFn.EMBEDDED, TupleTagList.of(BadRecordRouter.BAD_RECORD_TAG)));
      BadRecords.collect(result, badRecords);
      return result.get(EmbedFn.EMBEDDED).setRowSchema(out);
    }
  }

  /** See {@link Embed#image()}. */
  public static final class Image extends PTransform<PCollection<Row>, PCollection<Row>> {
    private final ImageModelSpec model;
    private final String inputField;
    private final String outputField;
    private final int batchSize;
    private final transient Lakehouse lakehouse;
    private final ErrorHandler<BadRecord, ?> badRecords;

    private Image(
        ImageModelSpec model,
        String inputField,
        String outputField,
        int batchSize,
        Lakehouse lakehouse,
        ErrorHandler<BadRecord, ?> badRecords) {
      this.model = model;
      this.inputField = inputField;
      this.outputField = outputField;
      this.batchSize = batchSize;
      this.lakehouse = lakehouse;
      this.badRecords = badRecords;
    }

    /** The ONNX image encoder (e.g. {@link ImageModelSpec#clip}). Required. */
    public Image withModel(ImageModelSpec newModel) {
      checkArgument(newModel != null, "Cannot embed with a null model");
      return new Image(newModel, inputField, outputField, batchSize, lakehouse, badRecords);
    }

    /** The STRING field naming the picture's file. Default: {@code thumbnail_uri}. */
    public Image fromField(String field) {
      checkArgument(field != null && !field.isBlank(), "Cannot embed a blank field: %s", field);
      return new Image(model, field, outputField, batchSize, lakehouse, badRecords);
    }

    /** The new vector field. Default: {@code embedding}. */
    public Image toField(String field) {
      checkArgument(field != null && !field.isBlank(), "Cannot write a blank field: %s", field);
      return new Image(model, inputField, field, batchSize, lakehouse, badRecords);
    }

    /** Pictures per model call. Default 32; 1-4096. */
    public Image withBatchSize(int rows) {
      checkArgument(rows >= 1 && rows <= 4096, "Cannot use batch size %s: use 1-4096", rows);
      return new Image(model, inputField, outputField, rows, lakehouse, badRecords);
    }

    /** Reads object-storage pictures with this lakehouse's storage settings. */
    public Image withLakehouse(Lakehouse lake) {
      checkArgument(lake != null, "Cannot use a null lakehouse");
      return new Image(model, inputField, outputField, batchSize, lake, badRecords);
    }

    /** Sends rows whose picture cannot be read or embedded to {@code handler}. */
    public Image withBadRecordErrorHandler(ErrorHandler<BadRecord, ?> handler) {
      checkArgument(handler != null, "Cannot use a null error handler");
      return new Image(model, inputField, outputField, batchSize, lakehouse, handler);
    }

    @Override
    public PCollection<Row> expand(PCollection<Row> rows) {
      checkArgument(
          model != null,
          "Cannot embed images without a model: call withModel(ImageModelSpec.clip(path)) with an"
              + " ONNX image encoder");
      Schema in = rows.getSchema();
      checkArgument(
          in.hasField(inputField)
              && in.getField(inputField).getType().getTypeName() == TypeName.STRING,
          "Cannot embed pictures named by field '%s': the rows have no STRING field of that name"
              + " (fields: %s)",
          inputField,
          in.getFieldNames());
      checkArgument(
          !in.hasField(outputField),
          "Cannot add vector field '%s': the rows already have it; choose another with toField",
          outputField);
      int dimension = OnnxImageEmbedder.shared(model).dimension();
      Schema out =
          Schema.builder()
              .addFields(in.getFields())
              .addField(
                  VectorOptions.field(outputField, dimension, model.name() + "@" + model.version()))
              .build();
      LakeTarget storage = lakehouse == null ? null : LakeTarget.of(lakehouse, "");
      PCollectionTuple result =
          rows.apply(
              "Embed " + inputField,
              ParDo.of(
                      new ImageEmbedFn(
                          model,
                          inputField,
                          out,
                          batchSize,
                          storage,
                          BadRecords.routerFor(badRecords)))
                  .withOutputTags(
                      ImageEmbedFn.EMBEDDED, TupleTagList.of(BadRecordRouter.BAD_RECORD_TAG)));
      BadRecords.collect(result, badRecords);
      return result.get(ImageEmbedFn.EMBEDDED).setRowSchema(out);
    }
  }
}
