package io.lakebeam.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark's inputs as written by {@code bench/make_dataset.py}: raw little-endian float32
 * vectors ({@code corpus.f32}, {@code queries.f32}) and the exact neighbours ({@code
 * ground_truth.npy}, int64, one row of corpus ids per query).
 *
 * <p>{@code float[][] v = BenchData.readF32(Path.of("bench/data/corpus.f32"), 384);}
 */
final class BenchData {
  private BenchData() {}

  static float[][] readF32(Path file, int dim) throws IOException {
    ByteBuffer buf = readAll(file);
    int n = buf.remaining() / (4 * dim);
    if ((long) n * 4 * dim != buf.remaining()) {
      throw new IOException(
          "Cannot read " + file + ": size " + buf.remaining() + " is not a multiple of 4*" + dim);
    }
    float[][] out = new float[n][dim];
    for (float[] row : out) {
      buf.asFloatBuffer().get(row);
      buf.position(buf.position() + 4 * dim);
    }
    return out;
  }

  /** Reads a C-order int64 .npy matrix (numpy format version 1 or 2). */
  static long[][] readNpyInt64(Path file) throws IOException {
    ByteBuffer buf = readAll(file);
    byte[] magic = new byte[6];
    buf.get(magic);
    if (magic[0] != (byte) 0x93
        || !new String(magic, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
      throw new IOException("Cannot read " + file + ": not a .npy file");
    }
    int major = buf.get();
    buf.get();
    int headerLen = major == 1 ? Short.toUnsignedInt(buf.getShort()) : buf.getInt();
    byte[] header = new byte[headerLen];
    buf.get(header);
    String h = new String(header, StandardCharsets.US_ASCII);
    if (!h.contains("'<i8'") || h.contains("'fortran_order': True")) {
      throw new IOException("Cannot read " + file + ": expected C-order <i8, got " + h.trim());
    }
    Matcher m = Pattern.compile("'shape': \\((\\d+), (\\d+)\\)").matcher(h);
    if (!m.find()) {
      throw new IOException("Cannot read " + file + ": expected a 2-d shape in " + h.trim());
    }
    int rows = Integer.parseInt(m.group(1));
    int cols = Integer.parseInt(m.group(2));
    long[][] out = new long[rows][cols];
    for (long[] row : out) {
      buf.asLongBuffer().get(row);
      buf.position(buf.position() + 8 * cols);
    }
    return out;
  }

  private static ByteBuffer readAll(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer buf =
          ByteBuffer.allocate(Math.toIntExact(ch.size())).order(ByteOrder.LITTLE_ENDIAN);
      while (buf.hasRemaining() && ch.read(buf) >= 0) {
        // read fully
      }
      return buf.flip().order(ByteOrder.LITTLE_ENDIAN);
    }
  }
}
