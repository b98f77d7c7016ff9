package io.lakebeam.transforms.media;

import static com.google.common.base.Preconditions.checkArgument;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.lake.ExternalFiles;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.transforms.BadRecords;
import io.lakebeam.transforms.lake.LakeTarget;
import java.util.List;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.transforms.errorhandling.BadRecordRouter;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Beam transforms that read videos and images by reference: the files stay where they are, and rows
 * name them ({@link MediaRows}) for {@link Frames#extract} to decode.
 *
 * <pre>{@code
 * p.apply(Media.read("s3://fleet/drives/**.mp4").withLakehouse(lake))
 *  .apply(Frames.extract().keyframes().orEvery(Duration.ofSeconds(2)).withSceneChange(0.3)
 *      .withLakehouse(lake))
 *  .apply(Embed.image().withModel(ImageModelSpec.clip(Path.of("clip-vision.onnx"))).withLakehouse(lake))
 *  .apply(Lake.write(lake, "drives.frames").withReplaceKey("media_id"));
 * }</pre>
 */
public final class Media {
  private Media() {}

  /**
   * Names every file that {@code pattern} matches: a file, a directory (all files below it), a glob
   * ({@code /data/**.mp4}), or an object-storage prefix or glob ({@code s3://fleet/drives/**}, with
   * {@link Read#withLakehouse}).
   */
  public static Read read(String pattern) {
    checkArgument(pattern != null && !pattern.isBlank(), "Cannot read media: empty pattern");
    return new Read(pattern, null, null);
  }

  /** See {@link Media#read}. */
  public static final class Read extends PTransform<PBegin, PCollection<Row>> {
    private final String pattern;
    private final transient Lakehouse lakehouse;
    private final ErrorHandler<BadRecord, ?> badRecords;

    private Read(String pattern, Lakehouse lakehouse, ErrorHandler<BadRecord, ?> badRecords) {
      this.pattern = pattern;
      this.lakehouse = lakehouse;
      this.badRecords = badRecords;
    }

    /** Lists and reads object-storage URIs with this lakehouse's storage settings. */
    public Read withLakehouse(Lakehouse lake) {
      checkArgument(lake != null, "Cannot use a null lakehouse");
      return new Read(pattern, lake, badRecords);
    }

    /** Sends files that cannot be read to {@code handler} with the reason. */
    public Read withBadRecordErrorHandler(ErrorHandler<BadRecord, ?> handler) {
      checkArgument(handler != null, "Cannot use a null error handler");
      return new Read(pattern, lakehouse, handler);
    }

    @Override
    public PCollection<Row> expand(PBegin begin) {
      if (MediaStore.isRemote(pattern) && lakehouse == null) {
        throw LakebeamException.invalid(
            "Cannot read '%s': object storage is read through a lakehouse's storage settings;"
                + " call withLakehouse(lake)",
            pattern);
      }
      List<String> files =
          ExternalFiles.list(lakehouse == null ? null : lakehouse.io(), pattern, "**");
      MediaStore store = new MediaStore(lakehouse == null ? null : LakeTarget.of(lakehouse, ""));
      PCollectionTuple out =
          begin
              .apply("List files", Create.of(files).withCoder(StringUtf8Coder.of()))
              .apply("Spread files", Reshuffle.viaRandomKey())
              .apply(
                  "Describe files",
                  ParDo.of(new DescribeMediaFn(store, BadRecords.routerFor(badRecords)))
                      .withOutputTags(
                          DescribeMediaFn.MEDIA, TupleTagList.of(BadRecordRouter.BAD_RECORD_TAG)));
      BadRecords.collect(out, badRecords);
      return out.get(DescribeMediaFn.MEDIA).setRowSchema(MediaRows.SCHEMA);
    }
  }
}
