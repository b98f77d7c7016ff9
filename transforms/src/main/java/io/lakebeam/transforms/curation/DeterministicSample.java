package io.lakebeam.transforms.curation;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Comparator;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;

/**
 * A repeatable sample of blocked rows: the {@code size} rows with the smallest seeded hashes of
 * their sample keys ({@link VectorBlock#keys}: the id column's value when the rows have one),
 * ordered by hash, gathered by one global combine of per-block candidates, so that every runner and
 * run, and a rerun after the data files were rewritten, draws the same sample. One element: the
 * sample's vectors (empty without rows).
 */
final class DeterministicSample
    extends PTransform<PCollection<VectorBlock>, PCollection<float[][]>> {
  private final int size;
  private final long seed;

  DeterministicSample(int size, long seed) {
    this.size = size;
    this.seed = seed;
  }

  @Override
  public PCollection<float[][]> expand(PCollection<VectorBlock> blocks) {
    return blocks
        .apply("Smallest hashes", Combine.globally(new SampleFn(size, seed)))
        .setCoder(SerializableCoder.of(float[][].class));
  }

  static long hash(String key, long seed) {
    return Shingles.mix(key.hashCode() * 0x9E3779B97F4A7C15L + seed);
  }

  /** Candidates ordered by (hash, key), at most {@code size}. */
  static final class Sample implements Serializable {
    private static final long serialVersionUID = 1L;
    final long[] hashes;
    final String[] keys;
    final float[][] vectors;

    Sample(long[] hashes, String[] keys, float[][] vectors) {
      this.hashes = hashes;
      this.keys = keys;
      this.vectors = vectors;
    }

    int compare(int i, Sample other, int j) {
      int c = Long.compare(hashes[i], other.hashes[j]);
      if (c == 0) {
        c = keys[i].compareTo(other.keys[j]);
      }
      return c != 0 ? c : Arrays.compare(vectors[i], other.vectors[j]);
    }

    /** The smallest {@code size} of both, in order. */
    Sample merge(Sample other, int size) {
      int n = Math.min(size, hashes.length + other.hashes.length);
      long[] h = new long[n];
      String[] k = new String[n];
      float[][] v = new float[n][];
      int i = 0;
      int j = 0;
      for (int o = 0; o < n; o++) {
        boolean mine = j >= other.hashes.length || (i < hashes.length && compare(i, other, j) <= 0);
        Sample from = mine ? this : other;
        int at = mine ? i++ : j++;
        h[o] = from.hashes[at];
        k[o] = from.keys[at];
        v[o] = from.vectors[at];
      }
      return new Sample(h, k, v);
    }
  }

  private static final class SampleFn extends Combine.CombineFn<VectorBlock, Sample, float[][]> {
    private final int size;
    private final long seed;

    SampleFn(int size, long seed) {
      this.size = size;
      this.seed = seed;
    }

    @Override
    public Sample createAccumulator() {
      return new Sample(new long[0], new String[0], new float[0][]);
    }

    @Override
    public Sample addInput(Sample acc, VectorBlock block) {
      int n = block.size();
      long[] h = new long[n];
      Integer[] order = new Integer[n];
      for (int i = 0; i < n; i++) {
        h[i] = hash(block.keys[i], seed);
        order[i] = i;
      }
      Arrays.sort(
          order,
          Comparator.<Integer>comparingLong(i -> h[i])
              .thenComparing(i -> block.keys[i])
              .thenComparing(i -> block.vector(i), Arrays::compare));
      int m = Math.min(size, n);
      long[] hashes = new long[m];
      String[] keys = new String[m];
      float[][] vectors = new float[m][];
      for (int o = 0; o < m; o++) {
        hashes[o] = h[order[o]];
        keys[o] = block.keys[order[o]];
        vectors[o] = block.vector(order[o]);
      }
      return acc.merge(new Sample(hashes, keys, vectors), size);
    }

    @Override
    public Sample mergeAccumulators(Iterable<Sample> all) {
      Sample out = createAccumulator();
      for (Sample s : all) {
        out = out.merge(s, size);
      }
      return out;
    }

    @Override
    public float[][] extractOutput(Sample acc) {
      return acc.vectors;
    }

    @Override
    public Coder<Sample> getAccumulatorCoder(CoderRegistry registry, Coder<VectorBlock> input) {
      return NullableCoder.of(SerializableCoder.of(Sample.class));
    }
  }
}
