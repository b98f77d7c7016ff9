package io.lakebeam.transforms.curation;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;

/** Rows bound for one verification partition: their keys, ranks and sorted shingle hashes. */
record ShingleBatch(long[] keys, String[] ranks, long[][] shingles) {
  int size() {
    return keys.length;
  }

  /** Collects rows, then freezes them into a batch. */
  static final class Builder {
    private final LongList keys = new LongList();
    private final List<String> ranks = new ArrayList<>();
    private final List<long[]> shingles = new ArrayList<>();

    void add(long key, String rank, long[] rowShingles) {
      keys.add(key);
      ranks.add(rank);
      shingles.add(rowShingles);
    }

    boolean isEmpty() {
      return ranks.isEmpty();
    }

    ShingleBatch build() {
      return new ShingleBatch(
          keys.toArray(), ranks.toArray(String[]::new), shingles.toArray(long[][]::new));
    }
  }

  static final class Coder extends AtomicCoder<ShingleBatch> {
    private static final Coder INSTANCE = new Coder();

    static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(ShingleBatch value, OutputStream out) throws IOException {
      VarIntCoder.of().encode(value.size(), out);
      for (int i = 0; i < value.size(); i++) {
        StringUtf8Coder.of().encode(value.ranks[i], out);
        LongArrayCoder.of().encode(value.shingles[i], out);
      }
      DataOutputStream data = new DataOutputStream(out);
      for (long key : value.keys) {
        data.writeLong(key);
      }
      data.flush();
    }

    @Override
    public ShingleBatch decode(InputStream in) throws IOException {
      int n = VarIntCoder.of().decode(in);
      String[] ranks = new String[n];
      long[][] shingles = new long[n][];
      for (int i = 0; i < n; i++) {
        ranks[i] = StringUtf8Coder.of().decode(in);
        shingles[i] = LongArrayCoder.of().decode(in);
      }
      DataInputStream data = new DataInputStream(in);
      long[] keys = new long[n];
      for (int i = 0; i < n; i++) {
        keys[i] = data.readLong();
      }
      return new ShingleBatch(keys, ranks, shingles);
    }

    @Override
    public void verifyDeterministic() {}
  }
}
