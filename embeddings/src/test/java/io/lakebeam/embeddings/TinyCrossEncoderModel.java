package io.lakebeam.embeddings;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a tiny cross-encoder by hand in the ONNX protobuf format (as the image tests' {@code
 * TinyOnnx} does): {@code logits[n] = sum over t of input_ids[n,t] * attention_mask[n,t]}, shape
 * [N,1], so a test can compute every score exactly from the tokenizer's ids.
 */
final class TinyCrossEncoderModel {
  private TinyCrossEncoderModel() {}

  static Path write(Path file, long outputWidth) throws IOException {
    byte[] graph =
        concat(
            field(1, node("Cast", new String[] {"input_ids"}, "ids", intAttr("to", 1))),
            field(1, node("Cast", new String[] {"attention_mask"}, "mask", intAttr("to", 1))),
            field(1, node("Mul", new String[] {"ids", "mask"}, "masked", null)),
            field(
                1,
                node("ReduceSum", new String[] {"masked", "axes"}, "sum", intAttr("keepdims", 1))),
            field(1, node("Tile", new String[] {"sum", "repeats"}, "logits", null)),
            bytesField(2, "tiny-cross-encoder"),
            field(5, longTensor("axes", new long[] {1})),
            field(5, longTensor("repeats", new long[] {1, outputWidth})),
            field(11, valueInfo("input_ids", 7, new Object[] {"N", "T"})),
            field(11, valueInfo("attention_mask", 7, new Object[] {"N", "T"})),
            field(12, valueInfo("logits", 1, new Object[] {"N", outputWidth})));
    byte[] opset = concat(bytesField(1, ""), varintField(2, 13));
    byte[] model =
        concat(varintField(1, 8), bytesField(2, "lakebeam-test"), field(7, graph), field(8, opset));
    return Files.write(file, model);
  }

  private static byte[] intAttr(String name, long value) {
    return concat(bytesField(1, name), varintField(3, value), varintField(20, 2)); // INT
  }

  private static byte[] node(String op, String[] inputs, String output, byte[] attr) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String in : inputs) {
      out.writeBytes(bytesField(1, in));
    }
    out.writeBytes(bytesField(2, output));
    out.writeBytes(bytesField(3, op + "_" + output));
    out.writeBytes(bytesField(4, op));
    if (attr != null) {
      out.writeBytes(field(5, attr));
    }
    return out.toByteArray();
  }

  private static byte[] longTensor(String name, long[] values) {
    ByteBuffer raw = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      raw.putLong(v);
    }
    return concat(
        varintField(1, values.length),
        varintField(2, 7),
        bytesField(8, name),
        field(9, raw.array()));
  }

  /** A tensor ValueInfo of element type {@code type}; a String dimension is symbolic. */
  private static byte[] valueInfo(String name, int type, Object[] dims) {
    ByteArrayOutputStream shape = new ByteArrayOutputStream();
    for (Object d : dims) {
      byte[] dim = d instanceof String s ? bytesField(2, s) : varintField(1, (Long) d);
      shape.writeBytes(field(1, dim));
    }
    byte[] tensorType = concat(varintField(1, type), field(2, shape.toByteArray()));
    return concat(bytesField(1, name), field(2, field(1, tensorType)));
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
