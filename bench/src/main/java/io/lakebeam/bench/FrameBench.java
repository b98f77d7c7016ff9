package io.lakebeam.bench;

import io.lakebeam.multimodal.image.PerceptualHash;
import io.lakebeam.multimodal.image.Thumbnails;
import io.lakebeam.multimodal.video.FrameExtractor;
import io.lakebeam.multimodal.video.FrameSampling;
import io.lakebeam.multimodal.video.VideoLimits;
import java.awt.image.BufferedImage;
import java.awt.image.RescaleOp;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Frame extraction throughput of Lakebeam's FrameExtractor against the ffmpeg CLI doing the same
 * sampling (every N seconds or scene score above T, JPEG thumbnails of the same size) on the same
 * videos, in one run; then near-duplicate precision/recall of pHash on the extracted frames with
 * injected re-encodes, crops and brightness changes.
 *
 * <p>Usage: {@code java -cp ... io.lakebeam.bench.FrameBench VIDEO_DIR [--every 2] [--scene 0.3]
 * [--side 512] [--repeat 3] [--threshold 10]}
 */
public final class FrameBench {
  private FrameBench() {}

  public static void main(String[] args) throws Exception {
    Path videos = Path.of(args[0]);
    double every = 2;
    double scene = 0.3;
    int side = 512;
    int repeat = 3;
    int threshold = 10;
    for (int i = 1; i < args.length; i += 2) {
      switch (args[i]) {
        case "--every" -> every = Double.parseDouble(args[i + 1]);
        case "--scene" -> scene = Double.parseDouble(args[i + 1]);
        case "--side" -> side = Integer.parseInt(args[i + 1]);
        case "--repeat" -> repeat = Integer.parseInt(args[i + 1]);
        case "--threshold" -> threshold = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("Cannot parse option " + args[i]);
      }
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(videos)) {
      files = s.filter(p -> p.toString().endsWith(".mp4")).sorted().toList();
    }
    FrameSampling sampling =
        FrameSampling.none()
            .orEvery(Duration.ofMillis(Math.round(every * 1000)))
            .withSceneChange(scene);
    VideoLimits limits = VideoLimits.defaults().withThumbnailSide(side);
    Path work = Files.createTempDirectory("frame-bench-");

    // Warm-up: native libraries, JIT.
    extractJava(files.get(0), sampling, limits, work.resolve("warm"));
    double bestJava = Double.MAX_VALUE;
    double bestCli = Double.MAX_VALUE;
    long javaFrames = 0;
    long cliFrames = 0;
    for (int r = 0; r < repeat; r++) {
      long t0 = System.nanoTime();
      long n = 0;
      for (Path f : files) {
        n += extractJava(f, sampling, limits, work.resolve("java-" + r));
      }
      bestJava = Math.min(bestJava, (System.nanoTime() - t0) / 1e9);
      javaFrames = n;
      t0 = System.nanoTime();
      n = 0;
      for (Path f : files) {
        n += extractCli(f, every, scene, side, work.resolve("cli-" + r));
      }
      bestCli = Math.min(bestCli, (System.nanoTime() - t0) / 1e9);
      cliFrames = n;
    }
    double javaFps = javaFrames / bestJava;
    double cliFps = cliFrames / bestCli;
    System.out.printf(
        Locale.ROOT,
        "frames: %d videos; Lakebeam %d frames in %.2f s (%.1f frames/s); ffmpeg CLI %d frames in"
            + " %.2f s (%.1f frames/s); ratio %.2fx frames/s, %.2fx wall time%n",
        files.size(),
        javaFrames,
        bestJava,
        javaFps,
        cliFrames,
        bestCli,
        cliFps,
        javaFps / cliFps,
        bestCli / bestJava);
    nearDuplicates(work.resolve("java-0"), threshold);
  }

  private static long extractJava(Path video, FrameSampling s, VideoLimits limits, Path out)
      throws Exception {
    Path dir = Files.createDirectories(out.resolve(video.getFileName().toString()));
    long[] n = {0};
    FrameExtractor.extract(
        video,
        video.toString(),
        s,
        limits,
        f -> {
          byte[] jpeg = Thumbnails.jpeg(f.image());
          PerceptualHash.phash(f.image());
          Files.write(dir.resolve(String.format("%06d.jpg", f.frameNumber())), jpeg);
          n[0]++;
        });
    return n[0];
  }

  private static long extractCli(Path video, double every, double scene, int side, Path out)
      throws IOException, InterruptedException {
    Path dir = Files.createDirectories(out.resolve(video.getFileName().toString()));
    String select =
        String.format(
            Locale.ROOT,
            "select='eq(n\\,0)+gt(floor(t/%s)\\,floor(prev_t/%s))+gt(scene\\,%s)',"
                + "scale='if(gte(iw\\,ih)\\,min(%d\\,iw)\\,-2)':'if(gte(iw\\,ih)\\,-2\\,min(%d\\,ih))'",
            every,
            every,
            scene,
            side,
            side);
    Process p =
        new ProcessBuilder(
                "ffmpeg",
                "-v",
                "error",
                "-y",
                "-i",
                video.toString(),
                "-vf",
                select,
                "-vsync",
                "vfr",
                "-q:v",
                "3",
                dir.resolve("%06d.jpg").toString())
            .inheritIO()
            .start();
    if (p.waitFor() != 0) {
      throw new IOException("Cannot run ffmpeg on " + video + ": exit " + p.exitValue());
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.count();
    }
  }

  /**
   * Originals closer than this (pHash bits) to a kept original are the same picture, not a case.
   */
  private static final int DISTINCT_BITS = 20;

  private static final String[] EDITS = {"original", "re-encode", "crop", "brightness"};

  /**
   * Originals: the extracted frames, keeping only frames more than {@link #DISTINCT_BITS} from
   * every kept one (frames of a static scene are duplicates of each other, not test cases). Each
   * gets a re-encode (JPEG 50% at 3/4 size), a 5% crop per side and +20% brightness. A pair is
   * predicted a duplicate when its pHash distance is at most the threshold; truth: same original.
   * Prints precision/recall for the chosen threshold and a sweep, and recall per edit.
   */
  private static void nearDuplicates(Path framesRoot, int chosen) throws IOException {
    List<Path> jpegs;
    try (Stream<Path> s = Files.walk(framesRoot)) {
      jpegs =
          s.filter(p -> p.toString().endsWith(".jpg")).sorted(Comparator.naturalOrder()).toList();
    }
    List<BufferedImage> originals = new ArrayList<>();
    List<Long> kept = new ArrayList<>();
    for (Path p : jpegs) {
      BufferedImage img = ImageIO.read(p.toFile());
      long h = PerceptualHash.phash(img);
      if (kept.stream().allMatch(k -> PerceptualHash.distance(k, h) > DISTINCT_BITS)) {
        kept.add(h);
        originals.add(img);
      }
    }
    List<Long> hashes = new ArrayList<>();
    List<Integer> source = new ArrayList<>();
    List<Integer> edit = new ArrayList<>();
    for (int i = 0; i < originals.size(); i++) {
      List<BufferedImage> vs = variants(originals.get(i));
      for (int e = 0; e < vs.size(); e++) {
        hashes.add(PerceptualHash.phash(vs.get(e)));
        source.add(i);
        edit.add(e);
      }
    }
    for (int threshold : new int[] {chosen, 8, 10, 12, 14, 16, 18, 20}) {
      long tp = 0;
      long fp = 0;
      long fn = 0;
      long[] editFound = new long[EDITS.length];
      long[] editTotal = new long[EDITS.length];
      for (int a = 0; a < hashes.size(); a++) {
        for (int b = a + 1; b < hashes.size(); b++) {
          boolean predicted = PerceptualHash.distance(hashes.get(a), hashes.get(b)) <= threshold;
          boolean truth = source.get(a).equals(source.get(b));
          if (truth && edit.get(a) == 0) {
            editTotal[edit.get(b)]++;
            editFound[edit.get(b)] += predicted ? 1 : 0;
          }
          if (predicted && truth) {
            tp++;
          } else if (predicted) {
            fp++;
          } else if (truth) {
            fn++;
          }
        }
      }
      double precision = tp + fp == 0 ? 1 : (double) tp / (tp + fp);
      double recall = tp + fn == 0 ? 1 : (double) tp / (tp + fn);
      StringBuilder perEdit = new StringBuilder();
      for (int e = 1; e < EDITS.length; e++) {
        perEdit.append(
            String.format(
                Locale.ROOT,
                " %s %.2f",
                EDITS[e],
                (double) editFound[e] / Math.max(1, editTotal[e])));
      }
      System.out.printf(
          Locale.ROOT,
          "near-duplicates%s: %d distinct frames x 4 (original, re-encode, crop, brightness), pHash"
              + " <= %d bits: precision %.3f, recall %.3f (%d true pairs found, %d false, %d missed);"
              + " recall vs original:%s%n",
          threshold == chosen ? "" : " (sweep)",
          originals.size(),
          threshold,
          precision,
          recall,
          tp,
          fp,
          fn,
          perEdit);
    }
  }

  private static List<BufferedImage> variants(BufferedImage o) throws IOException {
    int w = o.getWidth();
    int h = o.getHeight();
    BufferedImage small = Thumbnails.resize(o, w * 3 / 4, h * 3 / 4);
    javax.imageio.ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (var out = new javax.imageio.stream.MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      var param = writer.getDefaultWriteParam();
      param.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(0.5f);
      writer.write(null, new javax.imageio.IIOImage(small, null, null), param);
    } finally {
      writer.dispose();
    }
    BufferedImage reencoded = ImageIO.read(new ByteArrayInputStream(bytes.toByteArray()));
    BufferedImage cropped = o.getSubimage(w / 20, h / 20, w - w / 10, h - h / 10);
    BufferedImage rgb = Thumbnails.resize(o, w, h);
    BufferedImage brighter = new RescaleOp(1.2f, 0f, null).filter(rgb, null);
    return List.of(o, reencoded, cropped, brighter);
  }
}
