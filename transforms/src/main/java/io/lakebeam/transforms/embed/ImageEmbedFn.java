package io.lakebeam.transforms.embed;

import io.lakebeam.multimodal.image.ImageDecoder;
import io.lakebeam.multimodal.image.ImageModelSpec;
import io.lakebeam.multimodal.image.OnnxImageEmbedder;
import io.lakebeam.multimodal.video.MediaException;
import io.lakebeam.multimodal.video.VideoLimits;
import io.lakebeam.transforms.FailedRecords;
import io.lakebeam.transforms.lake.LakeTarget;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Reads the picture each row names, and embeds pictures {@code batchSize} at a time with the
 * JVM-wide session of the image model. A picture that cannot be read or decoded fails its row only.
 */
final class ImageEmbedFn extends DoFn<Row, Row> {
  static final TupleTag<Row> EMBEDDED = new TupleTag<>() {};

  private final ImageModelSpec model;
  private final String inputField;
  private final Schema outputSchema;
  private final int batchSize;
  private final LakeTarget storage;
  private final BadRecordRouter badRecords;
  private final Counter embedded = Metrics.counter("lakebeam", "images_embedded");
  private transient OnnxImageEmbedder embedder;
  private transient List<Pending> pending;

  private record Pending(Row row, BufferedImage image, Instant timestamp, BoundedWindow window) {}

  ImageEmbedFn(
      ImageModelSpec model,
      String inputField,
      Schema outputSchema,
      int batchSize,
      LakeTarget storage,
      BadRecordRouter badRecords) {
    this.model = model;
    this.inputField = inputField;
    this.outputSchema = outputSchema;
    this.batchSize = batchSize;
    this.storage = storage;
    this.badRecords = badRecords;
  }

  @Setup
  public void setup() {
    embedder = OnnxImageEmbedder.shared(model);
  }

  @StartBundle
  public void startBundle() {
    pending = new ArrayList<>();
  }

  @ProcessElement
  public void process(
      @Element Row row, @Timestamp Instant timestamp, BoundedWindow window, MultiOutputReceiver out)
      throws Exception {
    String uri = row.getString(inputField);
    BufferedImage image;
    try {
      if (uri == null) {
        throw new IOException("Cannot embed a row: its '" + inputField + "' is null");
      }
      image = ImageDecoder.decode(read(uri), uri, VideoLimits.DEFAULT_MAX_PIXELS);
    } catch (MediaException | IOException | RuntimeException e) {
      String why =
          e.getMessage().startsWith("Cannot") ? e.getMessage() : "Cannot read " + uri + ": " + e;
      badRecords.route(out, FailedRecords.sourceOf(row), StringUtf8Coder.of(), e, "[embed] " + why);
      return;
    }
    pending.add(new Pending(row, image, timestamp, window));
    if (pending.size() >= batchSize) {
      for (Pending p : flush()) {
        out.get(EMBEDDED).output(p.row());
      }
    }
  }

  @FinishBundle
  public void finishBundle(FinishBundleContext c) {
    for (Pending p : flush()) {
      c.output(EMBEDDED, p.row(), p.timestamp(), p.window());
    }
  }

  /** Embeds the pending pictures; returns their rows with the vector added, in order. */
  private List<Pending> flush() {
    List<Pending> batch = pending;
    pending = new ArrayList<>();
    if (batch.isEmpty()) {
      return batch;
    }
    float[][] vectors = embedder.embed(batch.stream().map(Pending::image).toList());
    List<Pending> done = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      Pending p = batch.get(i);
      done.add(new Pending(withVectorRow(p.row(), vectors[i]), null, p.timestamp(), p.window()));
    }
    embedded.inc(batch.size());
    return done;
  }

  private Row withVectorRow(Row row, float[] vector) {
    List<Float> list = new ArrayList<>(vector.length);
    for (float x : vector) {
      list.add(x);
    }
    return Row.withSchema(outputSchema).addValues(row.getValues()).addValue(list).build();
  }

  private byte[] read(String uri) throws IOException {
    if (uri.contains("://") && !uri.startsWith("file:")) {
      if (storage == null) {
        throw new IOException(
            "Cannot read "
                + uri
                + ": object storage is read through a lakehouse; call withLakehouse");
      }
      try (InputStream in = storage.lakehouse().io().newInputFile(uri).newStream()) {
        return in.readAllBytes();
      }
    }
    return Files.readAllBytes(
        uri.startsWith("file:") ? Path.of(java.net.URI.create(uri)) : Path.of(uri));
  }
}
