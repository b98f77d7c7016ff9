package io.lakebeam.multimodal.video;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;

/**
 * Decodes a video file with FFmpeg (through JavaCV) and hands the frames that a {@link
 * FrameSampling} keeps to a sink, scaled to the thumbnail size of {@link VideoLimits}. The video is
 * read where it is; nothing but the kept frames is held in memory.
 *
 * <pre>{@code
 * VideoInfo info = FrameExtractor.extract(Path.of("drive.mp4"), "drive.mp4",
 *     FrameSampling.none().keyframes().orEvery(Duration.ofSeconds(2)), VideoLimits.defaults(),
 *     frame -> thumbnails.add(frame.image()));
 * }</pre>
 *
 * <p>Thread-safe: each call decodes with its own FFmpeg context.
 */
public final class FrameExtractor {
  /** Receives each kept frame, in presentation order. */
  @FunctionalInterface
  public interface FrameSink {
    void accept(SampledFrame frame) throws IOException;
  }

  static {
    avutil.av_log_set_level(avutil.AV_LOG_QUIET);
  }

  private FrameExtractor() {}

  /**
   * Decodes {@code file} (named {@code uri} in messages) and passes every kept frame to {@code
   * sink}; returns what the container and the decoding told about the video.
   *
   * @throws MediaException when the file is empty, not a video, of an unsupported codec, over the
   *     size limit, or ends before its announced duration
   * @throws IOException when the sink fails
   */
  public static VideoInfo extract(
      Path file, String uri, FrameSampling sampling, VideoLimits limits, FrameSink sink)
      throws MediaException, IOException {
    FrameSampling s = sampling.orDefault();
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw new MediaException(
          MediaFailure.UNREADABLE, uri, "cannot read the file (" + e + ")", "check the path", e);
    }
    if (size == 0) {
      throw new MediaException(
          MediaFailure.EMPTY, uri, "the file is empty (0 bytes)", "re-upload the video");
    }
    FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile());
    grabber.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
    // Let FFmpeg pick its decoding threads, as the ffmpeg CLI does.
    grabber.setVideoOption("threads", "auto");
    // Small until the real size is checked, so start() allocates nothing large.
    grabber.setImageWidth(16);
    grabber.setImageHeight(16);
    try {
      start(grabber, file, uri);
      return decode(grabber, uri, s, limits, sink);
    } finally {
      try {
        grabber.release();
      } catch (FFmpegFrameGrabber.Exception e) {
        // Releasing native memory of a failed context; the failure itself was reported.
      }
    }
  }

  private static void start(FFmpegFrameGrabber grabber, Path file, String uri)
      throws MediaException {
    try {
      grabber.start();
    } catch (FFmpegFrameGrabber.Exception | RuntimeException e) {
      String msg = String.valueOf(e.getMessage());
      if (msg.contains("Unsupported") || msg.contains("avcodec_find_decoder")) {
        throw new MediaException(
            MediaFailure.UNSUPPORTED_CODEC,
            uri,
            "FFmpeg has no decoder for its codec (" + msg + ")",
            "re-encode it, e.g. ffmpeg -i IN -c:v libx264 OUT.mp4",
            e);
      }
      if (msg.contains("Did not find a video or audio stream")) {
        String unknown = undecodableVideo(file);
        if (unknown != null) {
          throw new MediaException(
              MediaFailure.UNSUPPORTED_CODEC,
              uri,
              "FFmpeg has no decoder for its video codec (" + unknown + ")",
              "re-encode it, e.g. ffmpeg -i IN -c:v libx264 OUT.mp4",
              e);
        }
        throw new MediaException(
            MediaFailure.NO_VIDEO,
            uri,
            "it has no video or audio stream FFmpeg can decode",
            "remove it from the source",
            e);
      }
      throw new MediaException(
          MediaFailure.CORRUPT,
          uri,
          "not a readable video, corrupt or truncated (" + msg + ")",
          "check the file with ffprobe and re-upload it",
          e);
    }
    if (!grabber.hasVideo()) {
      String unknown = undecodableVideo(file);
      if (unknown != null) {
        throw new MediaException(
            MediaFailure.UNSUPPORTED_CODEC,
            uri,
            "FFmpeg has no decoder for its video codec (" + unknown + ")",
            "re-encode it, e.g. ffmpeg -i IN -c:v libx264 OUT.mp4");
      }
      throw new MediaException(
          MediaFailure.NO_VIDEO,
          uri,
          "it has no video stream (audio: " + grabber.getAudioCodecName() + ")",
          "remove it from the source");
    }
  }

  private static VideoInfo decode(
      FFmpegFrameGrabber grabber, String uri, FrameSampling s, VideoLimits limits, FrameSink sink)
      throws MediaException, IOException {
    AVCodecParameters video = videoStream(grabber.getFormatContext());
    int width = video.width();
    int height = video.height();
    if (width <= 0 || height <= 0) {
      throw new MediaException(
          MediaFailure.CORRUPT, uri, "its video stream has no picture size", "re-encode it");
    }
    if ((long) width * height > limits.maxPixels()) {
      throw new MediaException(
          MediaFailure.TOO_LARGE,
          uri,
          "its resolution "
              + width
              + "x"
              + height
              + " is over the limit of "
              + limits.maxPixels()
              + " pixels",
          "downscale it or raise the limit (VideoLimits.withMaxPixels)");
    }
    double scale = Math.min(1.0, (double) limits.thumbnailSide() / Math.max(width, height));
    int tw = Math.max(2, (int) Math.round(width * scale) & ~1);
    int th = Math.max(2, (int) Math.round(height * scale) & ~1);
    grabber.setImageWidth(tw);
    grabber.setImageHeight(th);

    boolean keyframesOnly = s.keyframesOnly();
    SceneScore scene = s.sceneThreshold() > 0 ? new SceneScore() : null;
    long nextIntervalUs = 0;
    long decoded = 0;
    long kept = 0;
    long firstTs = Long.MIN_VALUE;
    long lastTs = 0;
    long prevTs = Long.MIN_VALUE;
    long minDelta = Long.MAX_VALUE;
    long maxDelta = 0;
    while (kept < limits.maxFrames()) {
      Frame f;
      try {
        f = grabber.grabFrame(false, true, true, keyframesOnly, false);
      } catch (FFmpegFrameGrabber.Exception | RuntimeException e) {
        throw new MediaException(
            MediaFailure.CORRUPT,
            uri,
            "decoding failed after " + decoded + " frames (" + e.getMessage() + ")",
            "check the file with ffprobe and re-upload it",
            e);
      }
      if (f == null) {
        break;
      }
      if (f.image == null || f.image[0] == null) {
        continue;
      }
      long ts = f.timestamp;
      if (firstTs == Long.MIN_VALUE) {
        firstTs = ts;
      }
      long frameNumber = keyframesOnly ? grabber.getFrameNumber() : decoded;
      decoded++;
      if (prevTs != Long.MIN_VALUE && ts > prevTs) {
        minDelta = Math.min(minDelta, ts - prevTs);
        maxDelta = Math.max(maxDelta, ts - prevTs);
      }
      prevTs = ts;
      lastTs = Math.max(lastTs, ts);
      ByteBuffer pixels = (ByteBuffer) f.image[0];
      double score =
          scene == null
              ? Double.NaN
              : scene.next(pixels, f.imageWidth, f.imageHeight, f.imageStride, f.imageChannels);
      String reason = null;
      if (s.keepsKeyframes() && f.keyFrame) {
        reason = "keyframe";
      }
      if (s.intervalMicros() > 0 && ts >= nextIntervalUs) {
        reason = reason == null ? "interval" : reason;
        nextIntervalUs = (Math.max(ts, 0) / s.intervalMicros() + 1) * s.intervalMicros();
      }
      if (scene != null && score > s.sceneThreshold()) {
        reason = reason == null ? "scene" : reason;
      }
      if (reason != null) {
        kept++;
        sink.accept(
            new SampledFrame(
                frameNumber, Math.max(0, ts) / 1000, f.keyFrame, reason, score, copy(f)));
      }
    }
    long durationMs = Math.max(0, grabber.getLengthInTime() / 1000);
    if (!keyframesOnly && kept < limits.maxFrames() && durationMs > 0) {
      long endMs = (lastTs - Math.max(0, firstTs)) / 1000;
      if (decoded == 0 || endMs < durationMs * 0.9 - 1000) {
        throw new MediaException(
            MediaFailure.TRUNCATED,
            uri,
            "frames end at "
                + endMs / 1000.0
                + " s but the container announces "
                + durationMs / 1000.0
                + " s (truncated?)",
            "re-upload the complete file");
      }
    }
    boolean variable = minDelta != Long.MAX_VALUE && maxDelta > minDelta * 1.1 + 1000;
    return new VideoInfo(
        grabber.getFormat(),
        durationMs,
        width,
        height,
        grabber.getVideoFrameRate(),
        variable,
        grabber.getVideoCodecName(),
        grabber.hasAudio() ? grabber.getAudioCodecName() : null,
        grabber.hasAudio() ? grabber.getSampleRate() : 0,
        grabber.hasAudio() ? grabber.getAudioChannels() : 0,
        decoded);
  }

  /** A description of the first video stream FFmpeg cannot decode, or null when there is none. */
  private static String undecodableVideo(Path file) {
    AVFormatContext ctx = new AVFormatContext(null);
    if (avformat.avformat_open_input(ctx, file.toString(), null, null) < 0) {
      return null;
    }
    try {
      avformat.avformat_find_stream_info(ctx, (PointerPointer<?>) null);
      for (int i = 0; i < ctx.nb_streams(); i++) {
        AVCodecParameters p = ctx.streams(i).codecpar();
        if (p.codec_type() == avutil.AVMEDIA_TYPE_VIDEO
            && (p.codec_id() == avcodec.AV_CODEC_ID_NONE
                || avcodec.avcodec_find_decoder(p.codec_id()) == null)) {
          return "stream "
              + i
              + ", codec id "
              + p.codec_id()
              + ", tag 0x"
              + Integer.toHexString(p.codec_tag());
        }
      }
      return null;
    } finally {
      avformat.avformat_close_input(ctx);
    }
  }

  private static AVCodecParameters videoStream(AVFormatContext ctx) {
    for (int i = 0; i < ctx.nb_streams(); i++) {
      AVCodecParameters p = ctx.streams(i).codecpar();
      if (p.codec_type() == avutil.AVMEDIA_TYPE_VIDEO) {
        return p;
      }
    }
    throw new IllegalStateException("a started grabber with video has a video stream");
  }

  /** The frame's BGR pixels as an image of its own (the grabber reuses its buffer). */
  private static BufferedImage copy(Frame f) {
    BufferedImage img =
        new BufferedImage(f.imageWidth, f.imageHeight, BufferedImage.TYPE_3BYTE_BGR);
    byte[] data = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
    ByteBuffer src = (ByteBuffer) f.image[0];
    int row = f.imageWidth * 3;
    for (int y = 0; y < f.imageHeight; y++) {
      src.get(y * f.imageStride, data, y * row, row);
    }
    return img;
  }
}
