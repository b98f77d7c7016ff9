package io.lakebeam.transforms.embed;

import io.lakebeam.embeddings.ModelSpec;
import io.lakebeam.embeddings.OnnxTextEmbedder;
import io.lakebeam.embeddings.TextEmbedder;
import io.lakebeam.transforms.FailedRecords;
import io.lakebeam.transforms.LocalProgress;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.errorhandling.BadRecordRouter;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Instant;

/**
 * Embeds the text field of rows in batches: rows are buffered per bundle and sent to the model
 * {@code batchSize} at a time (the embedder then batches by token length). The model is loaded once
 * per worker JVM and shared by every thread.
 */
final class EmbedFn extends DoFn<Row, Row> {
  static final TupleTag<Row> EMBEDDED = new TupleTag<>() {};

  private final ModelSpec model;
  private final String inputField;
  private final Schema outputSchema;
  private final int batchSize;
  private final BadRecordRouter badRecords;
  private final Counter embedded = Metrics.counter("lakebeam", "texts_embedded");
  private transient TextEmbedder embedder;
  private transient List<Pending> pending;

  private record Pending(Row row, Instant timestamp, BoundedWindow window) {}

  EmbedFn(
      ModelSpec model,
      String inputField,
      Schema outputSchema,
      int batchSize,
      BadRecordRouter badRecords) {
    this.model = model;
    this.inputField = inputField;
    this.outputSchema = outputSchema;
    this.batchSize = batchSize;
    this.badRecords = badRecords;
  }

  @Setup
  public void setup() {
    embedder = OnnxTextEmbedder.load(model);
  }

  @StartBundle
  public void startBundle() {
    pending = new ArrayList<>();
  }

  @ProcessElement
  public void process(
      @Element Row row, @Timestamp Instant timestamp, BoundedWindow window, MultiOutputReceiver out)
      throws Exception {
    pending.add(new Pending(row, timestamp, window));
    if (pending.size() >= batchSize) {
      flush(
          new Emitter() {
            @Override
            public void emit(Pending p, Row r) {
              out.get(EMBEDDED).output(r);
            }

            @Override
            public void fail(Pending p, Exception e, String why) throws Exception {
              badRecords.route(out, FailedRecords.sourceOf(p.row()), StringUtf8Coder.of(), e, why);
            }
          });
    }
  }

  @FinishBundle
  public void finishBundle(FinishBundleContext c) throws Exception {
    flush(
        new Emitter() {
          @Override
          public void emit(Pending p, Row r) {
            c.output(EMBEDDED, r, p.timestamp(), p.window());
          }

          @Override
          public void fail(Pending p, Exception e, String why) throws Exception {
            badRecords.route(
                c, FailedRecords.sourceOf(p.row()), StringUtf8Coder.of(), e, why, p.window());
          }
        });
  }

  private interface Emitter {
    void emit(Pending p, Row r);

    void fail(Pending p, Exception e, String why) throws Exception;
  }

  private void flush(Emitter emitter) throws Exception {
    if (pending.isEmpty()) {
      return;
    }
    List<Pending> batch = pending;
    pending = new ArrayList<>();
    List<String> texts = new ArrayList<>(batch.size());
    List<Pending> valid = new ArrayList<>(batch.size());
    for (Pending p : batch) {
      String text = p.row().getString(inputField);
      if (text == null) {
        emitter.fail(
            p,
            new IllegalArgumentException("text is null"),
            "[embed] Cannot embed a row: its '" + inputField + "' is null");
      } else {
        texts.add(text);
        valid.add(p);
      }
    }
    float[][] vectors;
    try {
      vectors = embedder.embed(texts);
    } catch (RuntimeException e) {
      embedOneByOne(valid, emitter);
      return;
    }
    for (int i = 0; i < valid.size(); i++) {
      emitter.emit(valid.get(i), withVector(valid.get(i).row(), vectors[i]));
    }
    embedded.inc(valid.size());
    LocalProgress.TEXTS_EMBEDDED.add(valid.size());
  }

  private void embedOneByOne(List<Pending> batch, Emitter emitter) throws Exception {
    for (Pending p : batch) {
      float[] v;
      try {
        v = embedder.embed(p.row().getString(inputField));
      } catch (RuntimeException e) {
        emitter.fail(p, e, "[embed] Cannot embed with " + model.name() + ": " + e.getMessage());
        continue;
      }
      emitter.emit(p, withVector(p.row(), v));
      embedded.inc();
      LocalProgress.TEXTS_EMBEDDED.increment();
    }
  }

  private Row withVector(Row row, float[] vector) {
    List<Float> list = new ArrayList<>(vector.length);
    for (float x : vector) {
      list.add(x);
    }
    return Row.withSchema(outputSchema).addValues(row.getValues()).addValue(list).build();
  }
}
