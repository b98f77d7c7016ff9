package io.lakebeam.transforms.curation;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.VarIntCoder;

/** Encodes a {@code long[]} as its length and big-endian longs. */
final class LongArrayCoder extends AtomicCoder<long[]> {
  private static final LongArrayCoder INSTANCE = new LongArrayCoder();

  static LongArrayCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(long[] value, OutputStream out) throws IOException {
    VarIntCoder.of().encode(value.length, out);
    DataOutputStream data = new DataOutputStream(out);
    for (long v : value) {
      data.writeLong(v);
    }
    data.flush();
  }

  @Override
  public long[] decode(InputStream in) throws IOException {
    int n = VarIntCoder.of().decode(in);
    DataInputStream data = new DataInputStream(in);
    long[] v = new long[n];
    for (int i = 0; i < n; i++) {
      v[i] = data.readLong();
    }
    return v;
  }

  @Override
  public void verifyDeterministic() {}
}
