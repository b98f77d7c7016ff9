package io.lakebeam.transforms.curation;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;

/** A row of the near-duplicate graph: its rank (see {@link DuplicateFields}) and its shingles. */
record ShingledRow(String rank, long[] shingles) {
  /** Encodes the rank and the shingle hashes. */
  static final class Coder extends AtomicCoder<ShingledRow> {
    private static final Coder INSTANCE = new Coder();

    static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(ShingledRow value, OutputStream out) throws IOException {
      StringUtf8Coder.of().encode(value.rank(), out);
      VarIntCoder.of().encode(value.shingles().length, out);
      DataOutputStream data = new DataOutputStream(out);
      for (long s : value.shingles()) {
        data.writeLong(s);
      }
      data.flush();
    }

    @Override
    public ShingledRow decode(InputStream in) throws IOException {
      String rank = StringUtf8Coder.of().decode(in);
      long[] shingles = new long[VarIntCoder.of().decode(in)];
      DataInputStream data = new DataInputStream(in);
      for (int i = 0; i < shingles.length; i++) {
        shingles[i] = data.readLong();
      }
      return new ShingledRow(rank, shingles);
    }

    @Override
    public void verifyDeterministic() {}
  }
}
