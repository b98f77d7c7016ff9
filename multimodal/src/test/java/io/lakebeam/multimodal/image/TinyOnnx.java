package io.lakebeam.multimodal.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes tiny ONNX image encoders by hand in the ONNX protobuf format (no Python, no onnx package),
 * so tests run a real ONNX Runtime session on graphs whose outputs they can compute exactly. All
 * take {@code pixel_values} [N,3,S,S] with a dynamic batch and project RGB with a 3 x D matrix
 * {@code W}:
 *
 * <ul>
 *   <li>{@link #pooledProjection}: ResNet-style, GlobalAveragePool then Flatten then MatMul: [N,D].
 *   <li>{@link #tokenProjection}: ViT-style tokens, one per pixel: [N,S*S,D].
 *   <li>{@link #featureMap}: a backbone's feature map, the input itself: [N,3,S,S].
 * </ul>
 *
 * Shared with the transforms' tests.
 */
public final class TinyOnnx {
  private TinyOnnx() {}

  /** [N,3,S,S] -> GlobalAveragePool -> Flatten -> MatMul W[3,D] -> {@code embeds} [N,D]. */
  public static Path pooledProjection(Path file, int size, float[][] w) throws IOException {
    int d = w[0].length;
    byte[] graph =
        concat(
            field(1, node("GlobalAveragePool", new String[] {"pixel_values"}, "pooled", null)),
            field(1, node("Flatten", new String[] {"pooled"}, "flat", null)),
            field(1, node("MatMul", new String[] {"flat", "W"}, "embeds", null)),
            bytesField(2, "tiny-pooled"),
            field(5, floatTensor("W", new long[] {3, d}, flatten(w))),
            field(11, valueInfo("pixel_values", new Object[] {"N", 3L, (long) size, (long) size})),
            field(12, valueInfo("embeds", new Object[] {"N", (long) d})));
    return write(file, graph);
  }

  /** [N,3,S,S] -> Reshape [N,3,S*S] -> Transpose -> MatMul W -> {@code tokens} [N,S*S,D]. */
  public static Path tokenProjection(Path file, int size, float[][] w) throws IOException {
    int d = w[0].length;
    byte[] graph =
        concat(
            field(1, node("Reshape", new String[] {"pixel_values", "shape"}, "planes", null)),
            field(1, node("Transpose", new String[] {"planes"}, "pixels", new long[] {0, 2, 1})),
            field(1, node("MatMul", new String[] {"pixels", "W"}, "tokens", null)),
            bytesField(2, "tiny-tokens"),
            field(5, floatTensor("W", new long[] {3, d}, flatten(w))),
            field(5, longTensor("shape", new long[] {0, 3, -1})),
            field(11, valueInfo("pixel_values", new Object[] {"N", 3L, (long) size, (long) size})),
            field(12, valueInfo("tokens", new Object[] {"N", (long) size * size, (long) d})));
    return write(file, graph);
  }

  /** {@code features} = Identity(pixel_values): a [N,3,S,S] feature map. */
  public static Path featureMap(Path file, int size) throws IOException {
    byte[] graph =
        concat(
            field(1, node("Identity", new String[] {"pixel_values"}, "features", null)),
            bytesField(2, "tiny-features"),
            field(11, valueInfo("pixel_values", new Object[] {"N", 3L, (long) size, (long) size})),
            field(12, valueInfo("features", new Object[] {"N", 3L, (long) size, (long) size})));
    return write(file, graph);
  }

  private static Path write(Path file, byte[] graph) throws IOException {
    byte[] opset = concat(bytesField(1, ""), varintField(2, 13));
    byte[] model =
        concat(
            varintField(1, 8), // ir_version
            bytesField(2, "lakebeam-test"), // producer_name
            field(7, graph),
            field(8, opset));
    Files.createDirectories(file.toAbsolutePath().getParent());
    return Files.write(file, model);
  }

  private static byte[] node(String op, String[] inputs, String output, long[] perm) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String in : inputs) {
      out.writeBytes(bytesField(1, in));
    }
    out.writeBytes(bytesField(2, output));
    out.writeBytes(bytesField(3, op + "_" + output));
    out.writeBytes(bytesField(4, op));
    if (perm != null) {
      ByteArrayOutputStream attr = new ByteArrayOutputStream();
      attr.writeBytes(bytesField(1, "perm"));
      for (long p : perm) {
        attr.writeBytes(varintField(8, p));
      }
      attr.writeBytes(varintField(20, 7)); // AttributeType.INTS
      out.writeBytes(field(5, attr.toByteArray()));
    }
    return out.toByteArray();
  }

  private static byte[] floatTensor(String name, long[] dims, float[] values) {
    ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      raw.putFloat(v);
    }
    return tensor(name, dims, 1, raw.array());
  }

  private static byte[] longTensor(String name, long[] values) {
    ByteBuffer raw = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      raw.putLong(v);
    }
    return tensor(name, new long[] {values.length}, 7, raw.array());
  }

  private static byte[] tensor(String name, long[] dims, int type, byte[] raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (long d : dims) {
      out.writeBytes(varintField(1, d));
    }
    out.writeBytes(varintField(2, type));
    out.writeBytes(bytesField(8, name));
    out.writeBytes(field(9, raw));
    return out.toByteArray();
  }

  /** A float tensor ValueInfo; a String dimension is symbolic (dim_param), a Long fixed. */
  private static byte[] valueInfo(String name, Object[] dims) {
    ByteArrayOutputStream shape = new ByteArrayOutputStream();
    for (Object d : dims) {
      byte[] dim = d instanceof String s ? bytesField(2, s) : varintField(1, (Long) d);
      shape.writeBytes(field(1, dim));
    }
    byte[] tensorType = concat(varintField(1, 1), field(2, shape.toByteArray()));
    byte[] type = field(1, tensorType);
    return concat(bytesField(1, name), field(2, type));
  }

  private static float[] flatten(float[][] m) {
    float[] out = new float[m.length * m[0].length];
    for (int i = 0; i < m.length; i++) {
      System.arraycopy(m[i], 0, out, i * m[0].length, m[0].length);
    }
    return out;
  }

  private static byte[] field(int number, byte[] payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeVarint(out, (long) number << 3 | 2);
    writeVarint(out, payload.length);
    out.writeBytes(payload);
    return out.toByteArray();
  }

  private static byte[] bytesField(int number, String text) {
    return field(number, text.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] varintField(int number, long value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeVarint(out, (long) number << 3);
    writeVarint(out, value);
    return out.toByteArray();
  }

  private static void writeVarint(ByteArrayOutputStream out, long value) {
    while ((value & ~0x7FL) != 0) {
      out.write((int) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
