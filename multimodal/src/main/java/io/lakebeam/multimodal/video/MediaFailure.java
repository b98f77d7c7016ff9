package io.lakebeam.multimodal.video;

/** Why a video or image could not be read; a pipeline routes failures on it. */
public enum MediaFailure {
  /** The file has no bytes. */
  EMPTY,
  /** The file is not a video or image that FFmpeg or ImageIO can open (corrupt, truncated). */
  CORRUPT,
  /** The container opened, but no decoder exists for its video codec. */
  UNSUPPORTED_CODEC,
  /** The file has no video stream (e.g. audio only). */
  NO_VIDEO,
  /** Width x height is over {@link VideoLimits#maxPixels()}. */
  TOO_LARGE,
  /** Decoding stopped before the end the container announced. */
  TRUNCATED,
  /** The file could not be read from storage. */
  UNREADABLE
}
