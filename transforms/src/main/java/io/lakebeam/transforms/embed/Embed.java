package io.lakebeam.transforms.embed;

import static com.google.common.base.Preconditions.checkArgument;

import io.lakebeam.embeddings.ModelSpec;
import io.lakebeam.embeddings.Models;
import io.lakebeam.transforms.BadRecords;
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
 * Beam transforms that compute embeddings with ONNX Runtime in the worker JVM.
 *
 * <pre>{@code
 * PCollection<Row> embedded =
 *     chunks.apply(Embed.text().withModel(Models.ALL_MINILM_L6_V2));
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
}
