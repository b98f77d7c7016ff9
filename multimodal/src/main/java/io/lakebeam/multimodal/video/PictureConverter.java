package io.lakebeam.multimodal.video;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.nio.ByteBuffer;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.DoublePointer;

/**
 * Reads decoded FFmpeg pictures without converting every frame: the luma plane is read in place for
 * the scene score (a gray copy is made only for pixel formats whose first plane is not 8-bit luma),
 * and only the frames that are kept are scaled to BGR at thumbnail size. The native buffers and
 * scaler contexts are reused from frame to frame. Not thread-safe: one per video; {@link #close()}
 * frees the native memory.
 */
final class PictureConverter implements AutoCloseable {
  /** An 8-bit plane of luma samples: {@code height} rows of {@code stride} bytes. */
  record Plane(ByteBuffer samples, int width, int height, int stride) {}

  private SwsContext bgrContext;
  private AVFrame bgr;
  private SwsContext grayContext;
  private AVFrame gray;

  /** The picture's luma: its first plane in place when that is 8-bit luma, else a gray copy. */
  Plane luma(AVFrame picture) {
    int w = picture.width();
    int h = picture.height();
    if (lumaFirst(picture.format())) {
      return plane(picture, w, h);
    }
    gray = target(gray, avutil.AV_PIX_FMT_GRAY8, w, h);
    grayContext = scale(grayContext, picture, gray, swscale.SWS_POINT);
    return plane(gray, w, h);
  }

  /** The picture scaled to {@code width} x {@code height} as a BGR image of its own. */
  BufferedImage toBgr(AVFrame picture, int width, int height) {
    bgr = target(bgr, avutil.AV_PIX_FMT_BGR24, width, height);
    bgrContext = scale(bgrContext, picture, bgr, swscale.SWS_BICUBIC);
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    byte[] data = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
    ByteBuffer src = plane(bgr, width, height).samples();
    int stride = bgr.linesize(0);
    int row = width * 3;
    for (int y = 0; y < height; y++) {
      src.get(y * stride, data, y * row, row);
    }
    return img;
  }

  @Override
  public void close() {
    swscale.sws_freeContext(bgrContext);
    swscale.sws_freeContext(grayContext);
    bgrContext = grayContext = null;
    if (bgr != null) {
      avutil.av_frame_free(bgr);
      bgr = null;
    }
    if (gray != null) {
      avutil.av_frame_free(gray);
      gray = null;
    }
  }

  /** Pixel formats whose first plane holds one 8-bit luma sample per pixel. */
  private static boolean lumaFirst(int format) {
    return format == avutil.AV_PIX_FMT_YUV420P
        || format == avutil.AV_PIX_FMT_YUVJ420P
        || format == avutil.AV_PIX_FMT_YUV422P
        || format == avutil.AV_PIX_FMT_YUVJ422P
        || format == avutil.AV_PIX_FMT_YUV444P
        || format == avutil.AV_PIX_FMT_YUVJ444P
        || format == avutil.AV_PIX_FMT_YUV440P
        || format == avutil.AV_PIX_FMT_YUV411P
        || format == avutil.AV_PIX_FMT_YUV410P
        || format == avutil.AV_PIX_FMT_YUVA420P
        || format == avutil.AV_PIX_FMT_NV12
        || format == avutil.AV_PIX_FMT_NV21
        || format == avutil.AV_PIX_FMT_NV16
        || format == avutil.AV_PIX_FMT_GRAY8;
  }

  private static Plane plane(AVFrame frame, int width, int height) {
    int stride = frame.linesize(0);
    ByteBuffer samples = frame.data(0).capacity((long) stride * height).asBuffer();
    return new Plane(samples, width, height, stride);
  }

  /** {@code frame} when it already has this format and size, else a newly allocated one. */
  private static AVFrame target(AVFrame frame, int format, int width, int height) {
    if (frame != null
        && frame.format() == format
        && frame.width() == width
        && frame.height() == height) {
      return frame;
    }
    if (frame != null) {
      avutil.av_frame_free(frame);
    }
    AVFrame f = avutil.av_frame_alloc();
    f.format(format).width(width).height(height);
    if (avutil.av_frame_get_buffer(f, 32) < 0) {
      avutil.av_frame_free(f);
      throw new IllegalStateException(
          "FFmpeg could not allocate a " + width + "x" + height + " picture");
    }
    return f;
  }

  private static SwsContext scale(SwsContext ctx, AVFrame src, AVFrame dst, int flags) {
    SwsContext c =
        swscale.sws_getCachedContext(
            ctx,
            src.width(),
            src.height(),
            src.format(),
            dst.width(),
            dst.height(),
            dst.format(),
            flags,
            null,
            null,
            (DoublePointer) null);
    if (c == null) {
      throw new IllegalStateException(
          "FFmpeg cannot convert pixel format " + src.format() + " to " + dst.format());
    }
    swscale.sws_scale(c, src.data(), src.linesize(), 0, src.height(), dst.data(), dst.linesize());
    return c;
  }
}
