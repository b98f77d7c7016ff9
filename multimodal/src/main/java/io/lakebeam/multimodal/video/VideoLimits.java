package io.lakebeam.multimodal.video;

import java.io.Serializable;

/**
 * Limits that keep one bad file from exhausting a worker: the largest picture decoded, the most
 * frames kept per video, and the longest side of the thumbnails written. Immutable.
 *
 * <pre>{@code
 * VideoLimits limits = VideoLimits.defaults().withMaxPixels(3840 * 2160).withThumbnailSide(384);
 * }</pre>
 */
public final class VideoLimits implements Serializable {
  private static final long serialVersionUID = 1L;

  /** 8K UHD (7680 x 4320). */
  public static final long DEFAULT_MAX_PIXELS = 7680L * 4320L;

  public static final int DEFAULT_MAX_FRAMES = 20_000;

  /** Long enough for 224-336 px image encoders after a centre crop. */
  public static final int DEFAULT_THUMBNAIL_SIDE = 512;

  private final long maxPixels;
  private final int maxFrames;
  private final int thumbnailSide;

  private VideoLimits(long maxPixels, int maxFrames, int thumbnailSide) {
    this.maxPixels = maxPixels;
    this.maxFrames = maxFrames;
    this.thumbnailSide = thumbnailSide;
  }

  public static VideoLimits defaults() {
    return new VideoLimits(DEFAULT_MAX_PIXELS, DEFAULT_MAX_FRAMES, DEFAULT_THUMBNAIL_SIDE);
  }

  /** Larger pictures (width x height) fail as {@link MediaFailure#TOO_LARGE}. At least 1. */
  public VideoLimits withMaxPixels(long pixels) {
    if (pixels < 1) {
      throw new IllegalArgumentException(
          "Cannot limit pictures to " + pixels + " pixels: use >= 1");
    }
    return new VideoLimits(pixels, maxFrames, thumbnailSide);
  }

  /** Frames kept per video; sampling stops there. 1 to 10,000,000. */
  public VideoLimits withMaxFrames(int frames) {
    if (frames < 1 || frames > 10_000_000) {
      throw new IllegalArgumentException(
          "Cannot keep " + frames + " frames per video: use 1-10,000,000");
    }
    return new VideoLimits(maxPixels, frames, thumbnailSide);
  }

  /** The longest side of a thumbnail in pixels (smaller pictures keep their size). 16 to 4096. */
  public VideoLimits withThumbnailSide(int pixels) {
    if (pixels < 16 || pixels > 4096) {
      throw new IllegalArgumentException(
          "Cannot make thumbnails of " + pixels + " px: use 16-4096");
    }
    return new VideoLimits(maxPixels, maxFrames, pixels);
  }

  public long maxPixels() {
    return maxPixels;
  }

  public int maxFrames() {
    return maxFrames;
  }

  public int thumbnailSide() {
    return thumbnailSide;
  }
}
