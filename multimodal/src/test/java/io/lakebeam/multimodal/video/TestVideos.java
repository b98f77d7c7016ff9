package io.lakebeam.multimodal.video;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.IntToLongFunction;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * Small test videos made with JavaCV's recorder (no ffmpeg CLI needed): scenes of distinct colours
 * and patterns with a box that moves slowly inside each scene, so cuts are real scene changes and
 * frames within a scene are near-duplicates. Also shared with the transforms' tests.
 */
public final class TestVideos {
  private TestVideos() {}

  /** The colours of the scenes, in order (cycled). */
  public static final Color[] SCENES = {
    new Color(200, 40, 40), new Color(30, 160, 60), new Color(40, 60, 210), new Color(230, 200, 40)
  };

  /**
   * An MPEG-4 video in {@code container} (mp4, mkv, avi) of {@code seconds} at {@code fps}, a scene
   * cut every {@code sceneSeconds}, a keyframe every {@code gop} frames, and a mono 16 kHz AAC
   * audio track when {@code audio}.
   */
  public static Path scenes(
      Path file,
      String container,
      int width,
      int height,
      double fps,
      double seconds,
      double sceneSeconds,
      int gop,
      boolean audio)
      throws IOException {
    int frames = (int) Math.round(seconds * fps);
    return record(
        file,
        container,
        width,
        height,
        fps,
        gop,
        audio,
        frames,
        i -> Math.round(i * 1_000_000 / fps),
        sceneSeconds);
  }

  /**
   * A variable-frame-rate Matroska video: frames at irregular times (30, 70 and 150 ms apart in
   * turn) for {@code seconds}, one scene per {@code sceneSeconds}.
   */
  public static Path variableFrameRate(Path file, int width, int height, double seconds)
      throws IOException {
    long[] gaps = {30_000, 70_000, 150_000};
    int frames = 0;
    for (long t = 0; t < seconds * 1_000_000; t += gaps[frames % 3]) {
      frames++;
    }
    long[] times = new long[frames];
    long t = 0;
    for (int i = 0; i < frames; i++) {
      times[i] = t;
      t += gaps[i % 3];
    }
    return record(file, "matroska", width, height, 1000, 25, false, frames, i -> times[i], 1.5);
  }

  private static Path record(
      Path file,
      String container,
      int width,
      int height,
      double fps,
      int gop,
      boolean audio,
      int frames,
      IntToLongFunction timeMicros,
      double sceneSeconds)
      throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    try (Java2DFrameConverter converter = new Java2DFrameConverter();
        FFmpegFrameRecorder r =
            new FFmpegFrameRecorder(file.toFile(), width, height, audio ? 1 : 0)) {
      r.setFormat(container);
      r.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
      r.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
      r.setFrameRate(fps);
      r.setGopSize(gop);
      r.setVideoQuality(4);
      if (audio) {
        r.setAudioCodec(avcodec.AV_CODEC_ID_AAC);
        r.setSampleRate(16_000);
        r.setAudioChannels(1);
      }
      r.start();
      long audioWritten = 0;
      for (int i = 0; i < frames; i++) {
        long us = timeMicros.applyAsLong(i);
        r.setTimestamp(us);
        r.record(converter.convert(picture(width, height, us / 1e6, sceneSeconds)));
        if (audio) {
          long until = us * 16 / 1000 + 16_000 / 10;
          short[] samples = new short[(int) Math.max(0, until - audioWritten)];
          for (int k = 0; k < samples.length; k++) {
            samples[k] =
                (short) (8000 * Math.sin(2 * Math.PI * 440 * (audioWritten + k) / 16_000.0));
          }
          audioWritten += samples.length;
          if (samples.length > 0) {
            r.recordSamples(16_000, 1, ShortBuffer.wrap(samples));
          }
        }
      }
      r.stop();
    } catch (FFmpegFrameRecorder.Exception e) {
      throw new IOException("Cannot record test video " + file + ": " + e.getMessage(), e);
    }
    return file;
  }

  /**
   * The picture at {@code seconds}: per scene, a gradient from the scene's colour and a few
   * ellipses placed by a seeded random generator, and a white box that moves slowly.
   */
  public static BufferedImage picture(int width, int height, double seconds, double sceneSeconds) {
    int scene = (int) Math.floor(seconds / sceneSeconds);
    Color c = SCENES[scene % SCENES.length];
    java.util.Random random = new java.util.Random(1000 + scene);
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(
        java.awt.RenderingHints.KEY_ANTIALIASING, java.awt.RenderingHints.VALUE_ANTIALIAS_ON);
    g.setPaint(new java.awt.GradientPaint(0, 0, c, width, height, c.darker().darker().darker()));
    g.fillRect(0, 0, width, height);
    for (int e = 0; e < 6; e++) {
      g.setColor(new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256)));
      int ew = width / 8 + random.nextInt(width / 3);
      int eh = height / 8 + random.nextInt(height / 3);
      g.fillOval(random.nextInt(width - ew / 2), random.nextInt(height - eh / 2), ew, eh);
    }
    double inScene = seconds - scene * sceneSeconds;
    int box = Math.max(4, height / 8);
    int x = (int) (width / 4 + inScene * width / 20) % Math.max(1, width - box);
    g.setColor(Color.WHITE);
    g.fillRect(x, height / 2 - box / 2, box, box);
    g.dispose();
    return img;
  }

  /** Replaces every occurrence of {@code from} with {@code to} (same length) in the file. */
  public static void patch(Path file, String from, String to) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    byte[] f = from.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] t = to.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    int hits = 0;
    for (int i = 0; i + f.length <= bytes.length; i++) {
      if (Arrays.equals(bytes, i, i + f.length, f, 0, f.length)) {
        System.arraycopy(t, 0, bytes, i, t.length);
        hits++;
      }
    }
    if (hits == 0) {
      throw new IOException("Cannot patch " + file + ": '" + from + "' is not in it");
    }
    Files.write(file, bytes);
  }
}
