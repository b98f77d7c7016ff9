package io.lakebeam.multimodal.image;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Embeds pictures with an ONNX image encoder in ONNX Runtime, preprocessing them as its {@link
 * ImageModelSpec} says (fit, scale to [0, 1], normalise, NCHW or NHWC) and pooling the output to
 * one vector per picture.
 *
 * <pre>{@code
 * OnnxImageEmbedder clip = OnnxImageEmbedder.shared(ImageModelSpec.clip(Path.of("clip-vision.onnx")));
 * float[][] vectors = clip.embed(List.of(ImageIO.read(new File("frame.jpg"))));
 * }</pre>
 *
 * <p>Thread-safe: one session serves every thread. Models with a fixed batch size of 1 are run one
 * picture at a time.
 */
public final class OnnxImageEmbedder implements AutoCloseable {
  private static final Map<String, OnnxImageEmbedder> SHARED = new ConcurrentHashMap<>();

  private final ImageModelSpec spec;
  private final OrtEnvironment env;
  private final OrtSession session;
  private final String input;
  private final String output;
  private final boolean batched;
  private final int dimension;

  private OnnxImageEmbedder(ImageModelSpec spec) {
    this.spec = spec;
    this.env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(
          Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())));
      this.session = env.createSession(spec.path(), options);
      Map<String, NodeInfo> inputs = session.getInputInfo();
      this.input = pick(spec.input(), inputs.keySet(), "input");
      this.output = pick(spec.output(), session.getOutputNames(), "output");
      long[] shape = ((TensorInfo) inputs.get(input).getInfo()).getShape();
      checkInputShape(shape);
      this.batched = shape[0] != 1;
      BufferedImage grey = new BufferedImage(8, 8, BufferedImage.TYPE_3BYTE_BGR);
      this.dimension = run(List.of(grey))[0].length;
    } catch (OrtException e) {
      throw new IllegalArgumentException(
          "Cannot load image model " + spec.path() + ": " + e.getMessage(), e);
    }
  }

  /** Loads a session of its own; close it. */
  public static OnnxImageEmbedder load(ImageModelSpec spec) {
    return new OnnxImageEmbedder(spec);
  }

  /** The JVM-wide session for {@code spec} (loaded once, never closed). */
  public static OnnxImageEmbedder shared(ImageModelSpec spec) {
    return SHARED.computeIfAbsent(spec.key(), k -> new OnnxImageEmbedder(spec));
  }

  public ImageModelSpec spec() {
    return spec;
  }

  /** The length of the vectors. */
  public int dimension() {
    return dimension;
  }

  /** One vector per picture, in order. */
  public float[][] embed(List<BufferedImage> images) {
    if (images.isEmpty()) {
      return new float[0][];
    }
    try {
      if (batched) {
        return run(images);
      }
      float[][] out = new float[images.size()][];
      for (int i = 0; i < images.size(); i++) {
        out[i] = run(List.of(images.get(i)))[0];
      }
      return out;
    } catch (OrtException e) {
      throw new IllegalStateException(
          "Cannot embed images with " + spec + ": ONNX Runtime failed (" + e.getMessage() + ")", e);
    }
  }

  public float[] embed(BufferedImage image) {
    return embed(List.of(image))[0];
  }

  private float[][] run(List<BufferedImage> images) throws OrtException {
    int n = images.size();
    int s = spec.inputSize();
    float[] data = new float[n * 3 * s * s];
    for (int i = 0; i < n; i++) {
      pixels(images.get(i), data, i * 3 * s * s);
    }
    long[] shape =
        spec.layout() == ImageModelSpec.Layout.NCHW
            ? new long[] {n, 3, s, s}
            : new long[] {n, s, s, 3};
    try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape);
        OrtSession.Result result = session.run(Map.of(input, tensor), Set.of(output))) {
      OnnxValue value = result.get(0);
      if (!(value instanceof OnnxTensor out)) {
        throw new IllegalStateException(
            "Cannot embed with " + spec + ": output '" + output + "' is not a tensor");
      }
      long[] outShape = out.getInfo().getShape();
      FloatBuffer floats = out.getFloatBuffer();
      float[] all = new float[floats.remaining()];
      floats.get(all);
      float[][] vectors = pool(all, outShape, n);
      if (spec.normalize()) {
        for (float[] v : vectors) {
          normalize(v);
        }
      }
      return vectors;
    }
  }

  /** Fits, scales to [0, 1] and normalises one picture into {@code data} at {@code offset}. */
  private void pixels(BufferedImage image, float[] data, int offset) {
    int s = spec.inputSize();
    BufferedImage fitted = fit(image, s);
    int[] rgb = fitted.getRGB(0, 0, s, s, null, 0, s);
    float[] mean = spec.mean();
    float[] std = spec.std();
    boolean nchw = spec.layout() == ImageModelSpec.Layout.NCHW;
    int plane = s * s;
    for (int p = 0; p < plane; p++) {
      int v = rgb[p];
      for (int c = 0; c < 3; c++) {
        float x = ((v >> (16 - 8 * c)) & 0xff) / 255f;
        float normalised = (x - mean[c]) / std[c];
        data[offset + (nchw ? c * plane + p : p * 3 + c)] = normalised;
      }
    }
  }

  private BufferedImage fit(BufferedImage image, int s) {
    int w = image.getWidth();
    int h = image.getHeight();
    int sx = 0;
    int sy = 0;
    int sw = w;
    int sh = h;
    if (spec.fit() == ImageModelSpec.Fit.CENTER_CROP) {
      int side = Math.min(w, h);
      sx = (w - side) / 2;
      sy = (h - side) / 2;
      sw = side;
      sh = side;
    }
    BufferedImage out = new BufferedImage(s, s, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(image, 0, 0, s, s, sx, sy, sx + sw, sy + sh, null);
    } finally {
      g.dispose();
    }
    return out;
  }

  private float[][] pool(float[] all, long[] shape, int n) {
    if (shape.length < 2 || shape[0] != n) {
      throw new IllegalStateException(
          "Cannot embed with "
              + spec
              + ": output '"
              + output
              + "' has shape "
              + Arrays.toString(shape)
              + "; expected a batch of "
              + n
              + " first");
    }
    float[][] out = new float[n][];
    ImageModelSpec.Pooling pooling = spec.pooling();
    if (shape.length == 2) {
      int d = (int) shape[1];
      for (int i = 0; i < n; i++) {
        out[i] = Arrays.copyOfRange(all, i * d, (i + 1) * d);
      }
    } else if (shape.length == 3) {
      int t = (int) shape[1];
      int d = (int) shape[2];
      for (int i = 0; i < n; i++) {
        float[] v = new float[d];
        int base = i * t * d;
        if (pooling == ImageModelSpec.Pooling.MEAN) {
          for (int k = 0; k < t; k++) {
            for (int j = 0; j < d; j++) {
              v[j] += all[base + k * d + j] / t;
            }
          }
        } else {
          System.arraycopy(all, base, v, 0, d);
        }
        out[i] = v;
      }
    } else if (shape.length == 4 && pooling != ImageModelSpec.Pooling.FIRST_TOKEN) {
      int c = (int) shape[1];
      int hw = (int) (shape[2] * shape[3]);
      for (int i = 0; i < n; i++) {
        float[] v = new float[c];
        for (int j = 0; j < c; j++) {
          double sum = 0;
          int base = (i * c + j) * hw;
          for (int k = 0; k < hw; k++) {
            sum += all[base + k];
          }
          v[j] = (float) (sum / hw);
        }
        out[i] = v;
      }
    } else {
      throw new IllegalStateException(
          "Cannot pool output '"
              + output
              + "' of shape "
              + Arrays.toString(shape)
              + " with "
              + pooling
              + ": use an output of shape [N,D], [N,T,D] or [N,C,H,W]");
    }
    return out;
  }

  private void checkInputShape(long[] shape) {
    int s = spec.inputSize();
    boolean nchw = spec.layout() == ImageModelSpec.Layout.NCHW;
    long channels = shape.length == 4 ? shape[nchw ? 1 : 3] : -1;
    long h = shape.length == 4 ? shape[nchw ? 2 : 1] : -1;
    long w = shape.length == 4 ? shape[nchw ? 3 : 2] : -1;
    if (shape.length != 4 || (channels > 0 && channels != 3)) {
      throw new IllegalArgumentException(
          "Cannot use input '"
              + input
              + "' of "
              + spec.path()
              + " with shape "
              + Arrays.toString(shape)
              + " as a "
              + spec.layout()
              + " RGB picture; choose the pixel input with withInput or the layout with"
              + " withLayout");
    }
    if ((h > 0 && h != s) || (w > 0 && w != s)) {
      throw new IllegalArgumentException(
          "Cannot feed "
              + s
              + "x"
              + s
              + " pictures to "
              + spec.path()
              + ": its input '"
              + input
              + "' is "
              + h
              + "x"
              + w
              + "; call withInputSize("
              + h
              + ")");
    }
  }

  private String pick(String wanted, Set<String> names, String what) {
    List<String> all = new ArrayList<>(names);
    if (wanted == null) {
      return all.get(0);
    }
    if (!names.contains(wanted)) {
      throw new IllegalArgumentException(
          "Cannot use "
              + what
              + " node '"
              + wanted
              + "' of "
              + spec.path()
              + ": the model's "
              + what
              + "s are "
              + all);
    }
    return wanted;
  }

  private static void normalize(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += x * x;
    }
    if (sum > 0) {
      float inv = (float) (1 / Math.sqrt(sum));
      for (int i = 0; i < v.length; i++) {
        v[i] *= inv;
      }
    }
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException("Cannot close the session of " + spec + ": " + e, e);
    }
  }
}
