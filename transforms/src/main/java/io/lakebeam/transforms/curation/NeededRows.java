package io.lakebeam.transforms.curation;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashMap;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.values.KV;

/**
 * The rows that take part in some candidate pair, each with the verification partitions that need
 * its shingles (a bit mask): gathered in one global combine from the partitioned candidate pairs.
 * Only candidate rows are listed, which is what lets the shingles travel once per partition instead
 * of once per band.
 */
final class NeededRows implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  private final HashMap<Long, Long> masks;

  NeededRows(HashMap<Long, Long> masks) {
    this.masks = masks;
  }

  /** The partitions (bit mask) needing the row with this key; 0 for none. */
  long partitionsOf(long key) {
    Long mask = masks.get(key);
    return mask == null ? 0 : mask;
  }

  int size() {
    return masks.size();
  }

  /** Combines {@code partition -> flat pairs} into the rows each partition needs. */
  static final class Fn extends Combine.CombineFn<KV<Integer, long[]>, NeededRows, NeededRows> {
    @Override
    public NeededRows createAccumulator() {
      return new NeededRows(new HashMap<>());
    }

    @Override
    public NeededRows addInput(NeededRows acc, KV<Integer, long[]> pairs) {
      long bit = 1L << pairs.getKey();
      long[] p = pairs.getValue();
      for (long key : p) {
        acc.masks.merge(key, bit, (x, y) -> x | y);
      }
      return acc;
    }

    @Override
    public NeededRows mergeAccumulators(Iterable<NeededRows> all) {
      NeededRows out = createAccumulator();
      for (NeededRows acc : all) {
        acc.masks.forEach((key, mask) -> out.masks.merge(key, mask, (x, y) -> x | y));
      }
      return out;
    }

    @Override
    public NeededRows extractOutput(NeededRows acc) {
      return acc;
    }

    @Override
    public Coder<NeededRows> getAccumulatorCoder(
        CoderRegistry registry, Coder<KV<Integer, long[]>> input) {
      return NeededRowsCoder.INSTANCE;
    }

    @Override
    public Coder<NeededRows> getDefaultOutputCoder(
        CoderRegistry registry, Coder<KV<Integer, long[]>> input) {
      return NeededRowsCoder.INSTANCE;
    }
  }

  static final class NeededRowsCoder extends AtomicCoder<NeededRows> {
    static final NeededRowsCoder INSTANCE = new NeededRowsCoder();

    @Override
    public void encode(NeededRows value, OutputStream out) throws IOException {
      VarIntCoder.of().encode(value.masks.size(), out);
      DataOutputStream data = new DataOutputStream(out);
      for (var e : value.masks.entrySet()) {
        data.writeLong(e.getKey());
        data.writeLong(e.getValue());
      }
      data.flush();
    }

    @Override
    public NeededRows decode(InputStream in) throws IOException {
      int n = VarIntCoder.of().decode(in);
      DataInputStream data = new DataInputStream(in);
      HashMap<Long, Long> masks = HashMap.newHashMap(n);
      for (int i = 0; i < n; i++) {
        masks.put(data.readLong(), data.readLong());
      }
      return new NeededRows(masks);
    }
  }
}
