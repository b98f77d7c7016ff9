package io.lakebeam.transforms.curation;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.VarIntCoder;

/** Encodes a {@code float[]} as its length and big-endian IEEE floats. */
final class FloatArrayCoder extends AtomicCoder<float[]> {
  private static final FloatArrayCoder INSTANCE = new FloatArrayCoder();

  static FloatArrayCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(float[] value, OutputStream out) throws IOException {
    VarIntCoder.of().encode(value.length, out);
    DataOutputStream data = new DataOutputStream(out);
    for (float f : value) {
      data.writeFloat(f);
    }
    data.flush();
  }

  @Override
  public float[] decode(InputStream in) throws IOException {
    int n = VarIntCoder.of().decode(in);
    DataInputStream data = new DataInputStream(in);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = data.readFloat();
    }
    return v;
  }

  @Override
  public void verifyDeterministic() {}
}
