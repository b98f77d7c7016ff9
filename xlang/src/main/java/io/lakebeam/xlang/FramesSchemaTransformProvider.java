package io.lakebeam.xlang;

import io.lakebeam.transforms.media.Frames;
import java.time.Duration;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.transforms.SchemaTransform;

/**
 * {@code beam:schematransform:org.lakebeam:frames:v1}: {@link Frames#extract()} for Python and
 * YAML: samples frames of media rows (with {@code uri} and {@code media_type}) and writes their
 * thumbnails; one output row per frame. With no criterion, one frame every 2 seconds.
 *
 * <pre>{@code
 * - type: LakebeamFrames
 *   config: {lakehouse: /data/lakehouse, keyframes: true, scene_change: 0.4}
 * }</pre>
 */
public final class FramesSchemaTransformProvider extends LakebeamSchemaTransformProvider {
  static final String KEYFRAMES = "keyframes";
  static final String EVERY_MS = "every_ms";
  static final String SCENE_CHANGE = "scene_change";
  static final String THUMBNAIL_ROOT = "thumbnail_root";

  public FramesSchemaTransformProvider() {
    super("frames");
  }

  @Override
  public String description() {
    return "Samples video frames (keyframes, an interval, scene changes) and writes thumbnails.";
  }

  @Override
  public Schema configurationSchema() {
    return Schema.builder()
        .addField(
            required(
                LAKEHOUSE,
                FieldType.STRING,
                "Lakehouse whose storage holds the media and the thumbnails. Required."))
        .addField(optional(KEYFRAMES, FieldType.BOOLEAN, "Keep every keyframe. Default false."))
        .addField(
            optional(
                EVERY_MS,
                FieldType.INT64,
                "Keep the first frame at or after every multiple of this many ms (1 to 1 day)."))
        .addField(
            optional(
                SCENE_CHANGE,
                FieldType.DOUBLE,
                "Keep frames whose scene score is above this, in (0, 1]."))
        .addField(
            optional(
                THUMBNAIL_ROOT,
                FieldType.STRING,
                "Where thumbnails go. Default <warehouse>/_media/thumbnails."))
        .build();
  }

  @Override
  protected SchemaTransform build(Config config) {
    Frames.Extract extract = Frames.extract().withLakehouse(config.lakehouse(LAKEHOUSE));
    if (config.bool(KEYFRAMES, false)) {
      extract = extract.keyframes();
    }
    if (config.has(EVERY_MS)) {
      extract = extract.orEvery(Duration.ofMillis(config.longValue(EVERY_MS, 0)));
    }
    if (config.has(SCENE_CHANGE)) {
      extract = extract.withSceneChange(config.decimal(SCENE_CHANGE, 0));
    }
    if (config.has(THUMBNAIL_ROOT)) {
      extract = extract.withThumbnailRoot(config.string(THUMBNAIL_ROOT, null));
    }
    return applying("Extract frames", extract);
  }
}
