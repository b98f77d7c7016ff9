package io.lakebeam.transforms.curation;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.beam.sdk.coders.AtomicCoder;

/**
 * A block of rows with usable vectors, the unit of work of the block-wise curation transforms: each
 * row's output key ({@code ids}, the {@code _file#_pos} row id or a dedup rank), its sample key
 * ({@code keys}, the value of the id column when the rows have one, else the row id; what seeded
 * samples hash, so a rewrite of the data files does not change them) and its vector, all vectors in
 * one flat array ({@code n * d} floats, row after row). Formed once and reused by every pass; never
 * modified after it is built.
 */
final class VectorBlock {
  final int d;
  final String[] ids;
  final String[] keys;
  final float[] flat;

  VectorBlock(int d, String[] ids, String[] keys, float[] flat) {
    this.d = d;
    this.ids = ids;
    this.keys = keys;
    this.flat = flat;
  }

  int size() {
    return ids.length;
  }

  /** The vector of row {@code i} (a copy). */
  float[] vector(int i) {
    float[] v = new float[d];
    System.arraycopy(flat, i * d, v, 0, d);
    return v;
  }

  /** The largest absolute value of any element (bounds the fixed-point sums). */
  float maxAbs() {
    float max = 0;
    for (float x : flat) {
      max = Math.max(max, Math.abs(x));
    }
    return max;
  }

  /** Encodes a block as sizes, the strings and the floats in one little-endian run. */
  static final class Coder extends AtomicCoder<VectorBlock> {
    private static final Coder INSTANCE = new Coder();

    static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(VectorBlock b, OutputStream out) throws IOException {
      DataOutputStream data = new DataOutputStream(out);
      data.writeInt(b.d);
      data.writeInt(b.ids.length);
      for (int i = 0; i < b.ids.length; i++) {
        data.writeUTF(b.ids[i]);
        data.writeUTF(b.keys[i]);
      }
      ByteBuffer bytes = ByteBuffer.allocate(b.flat.length * 4).order(ByteOrder.LITTLE_ENDIAN);
      bytes.asFloatBuffer().put(b.flat);
      data.write(bytes.array());
      data.flush();
    }

    @Override
    public VectorBlock decode(InputStream in) throws IOException {
      DataInputStream data = new DataInputStream(in);
      int d = data.readInt();
      int n = data.readInt();
      String[] ids = new String[n];
      String[] keys = new String[n];
      for (int i = 0; i < n; i++) {
        ids[i] = data.readUTF();
        keys[i] = data.readUTF();
      }
      byte[] raw = new byte[n * d * 4];
      data.readFully(raw);
      float[] flat = new float[n * d];
      ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(flat);
      return new VectorBlock(d, ids, keys, flat);
    }

    @Override
    public void verifyDeterministic() {}
  }
}
