package io.lakebeam.transforms.media;

import static com.google.common.base.Preconditions.checkArgument;

import io.lakebeam.core.index.IndexParams;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.ExternalFiles;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.multimodal.image.ImageModelSpec;
import io.lakebeam.multimodal.video.FrameSampling;
import io.lakebeam.multimodal.video.VideoLimits;
import io.lakebeam.transforms.embed.Embed;
import io.lakebeam.transforms.lake.Lake;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler.BadRecordErrorHandler;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * The whole videos-and-images-to-frames pipeline into one namespace of a lakehouse: {@code
 * <ns>.frames} (one row per kept frame or image: URI, time, thumbnail, hashes, video and audio
 * metadata, and the image embedding when a model is given) and {@code <ns>.failures} (every file
 * that could not be decoded or embedded, with the reason).
 *
 * <pre>{@code
 * MediaIngest ingest = MediaIngest.of("s3://fleet/drives/**", lake, "drives")
 *     .withSampling(FrameSampling.none().keyframes().orEvery(Duration.ofSeconds(2)).withSceneChange(0.3))
 *     .withImageModel(ImageModelSpec.clip(Path.of("clip-vision.onnx")));
 * ingest.applyTo(p);
 * p.run().waitUntilFinish();
 * ingest.refreshIndex(); // frames are searchable by vector
 * }</pre>
 *
 * <p>Re-ingesting a file replaces its frames in one commit (the replace key is {@code media_id}).
 */
public final class MediaIngest {
  private final String source;
  private final Lakehouse lakehouse;
  private final String namespace;
  private final FrameSampling sampling;
  private final VideoLimits limits;
  private final ImageModelSpec model;

  private MediaIngest(
      String source,
      Lakehouse lakehouse,
      String namespace,
      FrameSampling sampling,
      VideoLimits limits,
      ImageModelSpec model) {
    this.source = source;
    this.lakehouse = lakehouse;
    this.namespace = namespace;
    this.sampling = sampling;
    this.limits = limits;
    this.model = model;
  }

  /** Ingests {@code source} (file, directory, glob or s3:// prefix) into {@code namespace}. */
  public static MediaIngest of(String source, Lakehouse lakehouse, String namespace) {
    checkArgument(
        namespace != null && namespace.matches("[A-Za-z_][A-Za-z0-9_]*"),
        "Cannot ingest into '%s': use a name of letters, digits and underscores",
        namespace);
    checkArgument(lakehouse != null, "Cannot ingest into %s: no lakehouse", namespace);
    return new MediaIngest(
        source, lakehouse, namespace, FrameSampling.none(), VideoLimits.defaults(), null);
  }

  /** Which frames to keep. Default: one every 2 seconds. */
  public MediaIngest withSampling(FrameSampling newSampling) {
    checkArgument(newSampling != null, "Cannot sample with null settings");
    return new MediaIngest(source, lakehouse, namespace, newSampling, limits, model);
  }

  /** Limits. Default {@link VideoLimits#defaults()}. */
  public MediaIngest withLimits(VideoLimits newLimits) {
    checkArgument(newLimits != null, "Cannot use null limits");
    return new MediaIngest(source, lakehouse, namespace, sampling, newLimits, model);
  }

  /** Embeds every frame's thumbnail into {@code embedding}. Default: no embedding. */
  public MediaIngest withImageModel(ImageModelSpec newModel) {
    checkArgument(newModel != null, "Cannot embed with a null model");
    return new MediaIngest(source, lakehouse, namespace, sampling, limits, newModel);
  }

  public String framesCollection() {
    return namespace + ".frames";
  }

  public String failuresCollection() {
    return namespace + ".failures";
  }

  /** Adds the ingest steps to {@code p}; run the pipeline to ingest. */
  public void applyTo(Pipeline p) {
    // Fail on a missing or empty source before any collection is created.
    ExternalFiles.list(lakehouse.io(), source, "**");
    try (BadRecordErrorHandler<PCollection<Row>> failures =
        p.registerBadRecordErrorHandler(Lake.writeFailures(lakehouse, failuresCollection()))) {
      Frames.Extract extract =
          Frames.extract()
              .withLimits(limits)
              .withLakehouse(lakehouse)
              .withBadRecordErrorHandler(failures);
      if (sampling.keepsKeyframes()) {
        extract = extract.keyframes();
      }
      if (sampling.intervalMicros() > 0) {
        extract = extract.orEvery(java.time.Duration.ofNanos(sampling.intervalMicros() * 1000));
      }
      if (sampling.sceneThreshold() > 0) {
        extract = extract.withSceneChange(sampling.sceneThreshold());
      }
      PCollection<Row> frames =
          p.apply(
                  "Read media",
                  Media.read(source).withLakehouse(lakehouse).withBadRecordErrorHandler(failures))
              .apply("Extract frames", extract);
      if (model != null) {
        frames =
            frames.apply(
                "Embed frames",
                Embed.image()
                    .withModel(model)
                    .withLakehouse(lakehouse)
                    .withBadRecordErrorHandler(failures));
      }
      frames.apply(
          "Write frames",
          Lake.write(lakehouse, framesCollection())
              .withReplaceKey(FrameRows.MEDIA_ID)
              .withBadRecordErrorHandler(failures));
    }
  }

  /**
   * After the pipeline has run: builds or refreshes the frames' vector index on {@code embedding}
   * (when an image model was given and frames were written). Returns what was done.
   */
  public Map<String, Object> refreshIndex() {
    Map<String, Object> out = new LinkedHashMap<>();
    if (model == null || !lakehouse.hasCollection(framesCollection())) {
      out.put("action", "none");
      out.put("reason", model == null ? "no image model: frames have no vectors" : "no frames");
      return out;
    }
    Collection frames = lakehouse.collection(framesCollection()).refreshMetadata();
    if (frames.snapshotId() < 0) {
      out.put("action", "none");
      out.put("reason", "no frames yet: every file failed");
      return out;
    }
    if (lakehouse.indexes().describe(frames).isEmpty()) {
      var built = lakehouse.indexes().build(frames, "embedding", null, IndexParams.defaults());
      out.put("action", "built");
      out.put("rows_indexed", built.rowsIndexed());
    } else {
      var refreshed = lakehouse.indexes().refresh(frames);
      out.put("action", "refreshed");
      out.put("rows_indexed", refreshed.stream().mapToLong(r -> r.rowsIndexed()).sum());
    }
    return out;
  }
}
