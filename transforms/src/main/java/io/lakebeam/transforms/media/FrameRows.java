package io.lakebeam.transforms.media;

import org.apache.beam.sdk.schemas.Schema;

/**
 * The schema of frame rows from {@link Frames#extract}: the video (or image) by reference, where
 * the frame is in it, a thumbnail in the lake's object storage (never pixels inline), perceptual
 * hashes, and the video's container and audio-track metadata (repeated on each of its frames).
 * Images are one row each with frame number 0.
 */
public final class FrameRows {
  /** {@code <media_id>-<frame_number>}: stable across re-runs. */
  public static final String FRAME_ID = "frame_id";

  public static final String MEDIA_ID = "media_id";
  public static final String URI = "uri";
  public static final String MEDIA_TYPE = "media_type";

  /** Index of the frame among the decoded frames (estimated from time in keyframes-only mode). */
  public static final String FRAME_NUMBER = "frame_number";

  /** Presentation time of the frame in the video, milliseconds. */
  public static final String TIMESTAMP_MS = "timestamp_ms";

  public static final String KEYFRAME = "keyframe";

  /** Why the frame was kept: {@code keyframe}, {@code interval}, {@code scene} or {@code image}. */
  public static final String SAMPLE_REASON = "sample_reason";

  /** FFmpeg-style scene score in [0, 1]; null when scene changes were not detected. */
  public static final String SCENE_SCORE = "scene_score";

  /** The source's picture size. */
  public static final String WIDTH = "width";

  public static final String HEIGHT = "height";

  /** The JPEG thumbnail in the lake's storage. */
  public static final String THUMBNAIL_URI = "thumbnail_uri";

  public static final String THUMBNAIL_WIDTH = "thumbnail_width";
  public static final String THUMBNAIL_HEIGHT = "thumbnail_height";

  /** 64-bit pHash and dHash of the frame (compare with Long.bitCount(a ^ b)). */
  public static final String PHASH = "phash";

  public static final String DHASH = "dhash";
  public static final String DURATION_MS = "duration_ms";
  public static final String FRAME_RATE = "frame_rate";
  public static final String VARIABLE_FRAME_RATE = "variable_frame_rate";
  public static final String VIDEO_CODEC = "video_codec";
  public static final String AUDIO_CODEC = "audio_codec";
  public static final String AUDIO_SAMPLE_RATE = "audio_sample_rate";
  public static final String AUDIO_CHANNELS = "audio_channels";
  public static final String EXTRACTED_AT = "extracted_at";

  public static final Schema SCHEMA =
      Schema.builder()
          .addStringField(FRAME_ID)
          .addStringField(MEDIA_ID)
          .addStringField(URI)
          .addStringField(MEDIA_TYPE)
          .addInt64Field(FRAME_NUMBER)
          .addInt64Field(TIMESTAMP_MS)
          .addBooleanField(KEYFRAME)
          .addStringField(SAMPLE_REASON)
          .addNullableDoubleField(SCENE_SCORE)
          .addInt32Field(WIDTH)
          .addInt32Field(HEIGHT)
          .addStringField(THUMBNAIL_URI)
          .addInt32Field(THUMBNAIL_WIDTH)
          .addInt32Field(THUMBNAIL_HEIGHT)
          .addInt64Field(PHASH)
          .addInt64Field(DHASH)
          .addNullableInt64Field(DURATION_MS)
          .addNullableDoubleField(FRAME_RATE)
          .addNullableBooleanField(VARIABLE_FRAME_RATE)
          .addNullableStringField(VIDEO_CODEC)
          .addNullableStringField(AUDIO_CODEC)
          .addNullableInt32Field(AUDIO_SAMPLE_RATE)
          .addNullableInt32Field(AUDIO_CHANNELS)
          .addDateTimeField(EXTRACTED_AT)
          .build();

  private FrameRows() {}
}
