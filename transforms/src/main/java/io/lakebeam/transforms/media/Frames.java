package io.lakebeam.transforms.media;

import static com.google.common.base.Preconditions.checkArgument;

import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.multimodal.video.FrameSampling;
import io.lakebeam.multimodal.video.VideoLimits;
import io.lakebeam.transforms.BadRecords;
import io.lakebeam.transforms.lake.LakeTarget;
import java.time.Duration;
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
 * Beam transforms that decode videos (FFmpeg) and images and emit one {@link FrameRows} row per
 * kept frame, with a JPEG thumbnail written to the lakehouse's storage and perceptual hashes.
 *
 * <pre>{@code
 * media.apply(Frames.extract().keyframes().orEvery(Duration.ofSeconds(2)).withSceneChange(0.3)
 *     .withLakehouse(lake).withBadRecordErrorHandler(failures));
 * }</pre>
 */
public final class Frames {
  private Frames() {}

  /**
   * Samples frames of {@link MediaRows} rows. With no criterion chosen, one frame every 2 seconds;
   * limits: {@link VideoLimits#defaults()}; thumbnails under {@code <warehouse>/_media/thumbnails}.
   */
  public static Extract extract() {
    return new Extract(FrameSampling.none(), VideoLimits.defaults(), null, null, null);
  }

  /** See {@link Frames#extract}. */
  public static final class Extract extends PTransform<PCollection<Row>, PCollection<Row>> {
    private final FrameSampling sampling;
    private final VideoLimits limits;
    private final transient Lakehouse lakehouse;
    private final String thumbnailRoot;
    private final ErrorHandler<BadRecord, ?> badRecords;

    private Extract(
        FrameSampling sampling,
        VideoLimits limits,
        Lakehouse lakehouse,
        String thumbnailRoot,
        ErrorHandler<BadRecord, ?> badRecords) {
      this.sampling = sampling;
      this.limits = limits;
      this.lakehouse = lakehouse;
      this.thumbnailRoot = thumbnailRoot;
      this.badRecords = badRecords;
    }

    /** Keeps every keyframe. Keyframes alone decode only keyframes (the fastest mode). */
    public Extract keyframes() {
      return new Extract(sampling.keyframes(), limits, lakehouse, thumbnailRoot, badRecords);
    }

    /** Keeps the first frame at or after every multiple of {@code interval} (1 ms to 1 day). */
    public Extract orEvery(Duration interval) {
      return new Extract(sampling.orEvery(interval), limits, lakehouse, thumbnailRoot, badRecords);
    }

    /** Keeps frames whose FFmpeg-style scene score is above {@code threshold}, in (0, 1]. */
    public Extract withSceneChange(double threshold) {
      return new Extract(
          sampling.withSceneChange(threshold), limits, lakehouse, thumbnailRoot, badRecords);
    }

    /**
     * Picture-size, frame-count and thumbnail-size limits. Default {@link VideoLimits#defaults}.
     */
    public Extract withLimits(VideoLimits newLimits) {
      checkArgument(newLimits != null, "Cannot use null limits");
      return new Extract(sampling, newLimits, lakehouse, thumbnailRoot, badRecords);
    }

    /** Reads object-storage media and writes thumbnails with this lakehouse's storage. Required. */
    public Extract withLakehouse(Lakehouse lake) {
      checkArgument(lake != null, "Cannot use a null lakehouse");
      return new Extract(sampling, limits, lake, thumbnailRoot, badRecords);
    }

    /** Where thumbnails go (a directory or object-storage prefix). Default: under the warehouse. */
    public Extract withThumbnailRoot(String root) {
      checkArgument(root != null && !root.isBlank(), "Cannot write thumbnails to a blank root");
      return new Extract(sampling, limits, lakehouse, root, badRecords);
    }

    /** Sends files that cannot be decoded to {@code handler} with the reason. */
    public Extract withBadRecordErrorHandler(ErrorHandler<BadRecord, ?> handler) {
      checkArgument(handler != null, "Cannot use a null error handler");
      return new Extract(sampling, limits, lakehouse, thumbnailRoot, handler);
    }

    @Override
    public PCollection<Row> expand(PCollection<Row> media) {
      checkArgument(
          lakehouse != null,
          "Cannot extract frames: thumbnails are written to a lakehouse's storage; call"
              + " withLakehouse(lake)");
      checkArgument(
          media.getSchema().hasField(MediaRows.URI)
              && media.getSchema().hasField(MediaRows.MEDIA_TYPE),
          "Cannot extract frames from rows without 'uri' and 'media_type' (fields: %s); read them"
              + " with Media.read",
          media.getSchema().getFieldNames());
      String root =
          thumbnailRoot != null
              ? thumbnailRoot
              : lakehouse.config().warehouse().replaceAll("/+$", "") + "/_media/thumbnails";
      MediaStore store = new MediaStore(LakeTarget.of(lakehouse, ""));
      PCollectionTuple out =
          media.apply(
              "Decode and sample frames",
              ParDo.of(
                      new ExtractFramesFn(
                          store,
                          sampling.orDefault(),
                          limits,
                          root.replaceAll("/+$", ""),
                          BadRecords.routerFor(badRecords)))
                  .withOutputTags(
                      ExtractFramesFn.FRAMES, TupleTagList.of(BadRecordRouter.BAD_RECORD_TAG)));
      BadRecords.collect(out, badRecords);
      return out.get(ExtractFramesFn.FRAMES).setRowSchema(FrameRows.SCHEMA);
    }
  }
}
