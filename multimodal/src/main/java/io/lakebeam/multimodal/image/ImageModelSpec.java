package io.lakebeam.multimodal.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;

/**
 * How to run an ONNX image encoder: the model file, its input and output nodes, the input size, the
 * pixel normalisation and how a picture is fitted, and how the output becomes one vector. Immutable
 * and serializable (it names the file; workers load it).
 *
 * <pre>{@code
 * // CLIP ViT-B/32 vision tower exported with its projection (output image_embeds, 512-d):
 * ImageModelSpec clip = ImageModelSpec.clip(Path.of("clip-vit-b32-vision.onnx"));
 * // a torchvision ResNet-50 backbone without its classifier (output 2048x1x1 or 2048):
 * ImageModelSpec resnet = ImageModelSpec.imagenet(Path.of("resnet50-backbone.onnx")).withOutput("pooled");
 * }</pre>
 *
 * <p>Defaults: the first input and first output of the graph, 224 x 224, centre crop after scaling
 * the shorter side (CLIP's and torchvision's preprocessing), NCHW RGB floats in [0, 1] normalised
 * by mean and std, output pooling {@link Pooling#AUTO}, L2-normalised vectors.
 */
public final class ImageModelSpec implements Serializable {
  private static final long serialVersionUID = 1L;

  /** CLIP's pixel mean and standard deviation (RGB). */
  public static final float[] CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};

  public static final float[] CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};

  /** ImageNet's (torchvision) pixel mean and standard deviation (RGB). */
  public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};

  public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

  /** How a picture is fitted to the input size. */
  public enum Fit {
    /** Scale the shorter side to the input size, then cut the centre (CLIP, torchvision). */
    CENTER_CROP,
    /** Scale both sides to the input size, ignoring the aspect ratio. */
    STRETCH
  }

  /** Memory layout of the input tensor. */
  public enum Layout {
    NCHW,
    NHWC
  }

  /** How the output tensor becomes one vector per picture. */
  public enum Pooling {
    /** [N,D] as is; [N,T,D] the first token (CLS); [N,C,H,W] the mean over H and W. */
    AUTO,
    /** [N,T,D]: the first token (CLIP/ViT {@code last_hidden_state} CLS). */
    FIRST_TOKEN,
    /** [N,T,D]: the mean over tokens; [N,C,H,W]: the mean over H and W. */
    MEAN
  }

  private final String path;
  private final String name;
  private final String version;
  private final String input;
  private final String output;
  private final int size;
  private final float[] mean;
  private final float[] std;
  private final Fit fit;
  private final Layout layout;
  private final Pooling pooling;
  private final boolean normalize;

  private ImageModelSpec(
      String path,
      String name,
      String version,
      String input,
      String output,
      int size,
      float[] mean,
      float[] std,
      Fit fit,
      Layout layout,
      Pooling pooling,
      boolean normalize) {
    this.path = path;
    this.name = name;
    this.version = version;
    this.input = input;
    this.output = output;
    this.size = size;
    this.mean = mean;
    this.std = std;
    this.fit = fit;
    this.layout = layout;
    this.pooling = pooling;
    this.normalize = normalize;
  }

  /** Any ONNX image encoder at {@code onnx}, with CLIP's normalisation; see the class defaults. */
  public static ImageModelSpec fromPath(Path onnx) {
    if (onnx == null || !Files.isRegularFile(onnx)) {
      throw new IllegalArgumentException(
          "Cannot load image model " + onnx + ": no such file; give the path of a .onnx file");
    }
    Path abs = onnx.toAbsolutePath().normalize();
    return new ImageModelSpec(
        abs.toString(),
        nameOf(abs),
        "onnx-sha256:" + sha256Prefix(abs),
        null,
        null,
        224,
        CLIP_MEAN,
        CLIP_STD,
        Fit.CENTER_CROP,
        Layout.NCHW,
        Pooling.AUTO,
        true);
  }

  /** A CLIP-style vision tower: 224 px, CLIP mean/std, centre crop. */
  public static ImageModelSpec clip(Path onnx) {
    return fromPath(onnx);
  }

  /** A torchvision/ResNet-style backbone: 224 px, ImageNet mean/std, centre crop. */
  public static ImageModelSpec imagenet(Path onnx) {
    return fromPath(onnx).withNormalization(IMAGENET_MEAN, IMAGENET_STD);
  }

  private ImageModelSpec with(
      String newInput,
      String newOutput,
      int newSize,
      float[] newMean,
      float[] newStd,
      Fit newFit,
      Layout newLayout,
      Pooling newPooling,
      boolean newNormalize) {
    return new ImageModelSpec(
        path,
        name,
        version,
        newInput,
        newOutput,
        newSize,
        newMean,
        newStd,
        newFit,
        newLayout,
        newPooling,
        newNormalize);
  }

  /** The input node. Default: the graph's first input. */
  public ImageModelSpec withInput(String node) {
    requireName(node, "input");
    return with(node, output, size, mean, std, fit, layout, pooling, normalize);
  }

  /** The output node. Default: the graph's first output. */
  public ImageModelSpec withOutput(String node) {
    requireName(node, "output");
    return with(input, node, size, mean, std, fit, layout, pooling, normalize);
  }

  /** Input width and height in pixels. Default 224; 8-2048. */
  public ImageModelSpec withInputSize(int pixels) {
    if (pixels < 8 || pixels > 2048) {
      throw new IllegalArgumentException("Cannot use input size " + pixels + ": use 8-2048 pixels");
    }
    return with(input, output, pixels, mean, std, fit, layout, pooling, normalize);
  }

  /** Per-channel (RGB) mean and std applied to pixels in [0, 1]. Default: CLIP's. */
  public ImageModelSpec withNormalization(float[] rgbMean, float[] rgbStd) {
    if (rgbMean == null || rgbStd == null || rgbMean.length != 3 || rgbStd.length != 3) {
      throw new IllegalArgumentException(
          "Cannot normalise with mean "
              + Arrays.toString(rgbMean)
              + " and std "
              + Arrays.toString(rgbStd)
              + ": give three RGB values each");
    }
    for (float s : rgbStd) {
      if (!(s > 0)) {
        throw new IllegalArgumentException(
            "Cannot normalise with std " + Arrays.toString(rgbStd) + ": every value must be > 0");
      }
    }
    return with(
        input, output, size, rgbMean.clone(), rgbStd.clone(), fit, layout, pooling, normalize);
  }

  /** How pictures are fitted. Default {@link Fit#CENTER_CROP}. */
  public ImageModelSpec withFit(Fit newFit) {
    return with(input, output, size, mean, std, requireNonNull(newFit), layout, pooling, normalize);
  }

  /** Input layout. Default {@link Layout#NCHW}. */
  public ImageModelSpec withLayout(Layout newLayout) {
    return with(input, output, size, mean, std, fit, requireNonNull(newLayout), pooling, normalize);
  }

  /** Output pooling. Default {@link Pooling#AUTO}. */
  public ImageModelSpec withPooling(Pooling newPooling) {
    return with(input, output, size, mean, std, fit, layout, requireNonNull(newPooling), normalize);
  }

  /** Whether vectors are scaled to unit length (for cosine search). Default true. */
  public ImageModelSpec withNormalize(boolean unitLength) {
    return with(input, output, size, mean, std, fit, layout, pooling, unitLength);
  }

  /** The same settings with another name (recorded beside the vector column). */
  public ImageModelSpec withName(String newName) {
    requireName(newName, "name");
    return new ImageModelSpec(
        path, newName, version, input, output, size, mean, std, fit, layout, pooling, normalize);
  }

  public String path() {
    return path;
  }

  /** The model's name: the file name without {@code .onnx}, or the folder of a model.onnx. */
  public String name() {
    return name;
  }

  /** {@code onnx-sha256:<12 hex digits>} of the file. */
  public String version() {
    return version;
  }

  /** The input node, or null for the first. */
  public String input() {
    return input;
  }

  /** The output node, or null for the first. */
  public String output() {
    return output;
  }

  public int inputSize() {
    return size;
  }

  public float[] mean() {
    return mean.clone();
  }

  public float[] std() {
    return std.clone();
  }

  public Fit fit() {
    return fit;
  }

  public Layout layout() {
    return layout;
  }

  public Pooling pooling() {
    return pooling;
  }

  public boolean normalize() {
    return normalize;
  }

  /** A key that identifies these settings (one loaded session per key and JVM). */
  String key() {
    return String.join(
        "|",
        path,
        version,
        String.valueOf(input),
        String.valueOf(output),
        String.valueOf(size),
        Arrays.toString(mean),
        Arrays.toString(std),
        fit.name(),
        layout.name(),
        pooling.name(),
        String.valueOf(normalize));
  }

  @Override
  public String toString() {
    return name + "@" + version;
  }

  private static <T> T requireNonNull(T value) {
    if (value == null) {
      throw new IllegalArgumentException("Cannot use a null setting for the image model");
    }
    return value;
  }

  private static void requireName(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("Cannot use a blank " + what + " for the image model");
    }
  }

  private static String nameOf(Path onnx) {
    String file = onnx.getFileName().toString();
    String base =
        file.toLowerCase(Locale.ROOT).endsWith(".onnx")
            ? file.substring(0, file.length() - 5)
            : file;
    if (base.equals("model") && onnx.getParent() != null) {
      Path dir = onnx.getParent();
      if (dir.getFileName().toString().equals("onnx") && dir.getParent() != null) {
        dir = dir.getParent();
      }
      return dir.getFileName().toString();
    }
    return base;
  }

  static String sha256Prefix(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        d.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(d.digest(), 0, 6);
    } catch (IOException | NoSuchAlgorithmException e) {
      throw new IllegalArgumentException("Cannot read image model " + file + ": " + e, e);
    }
  }
}
