package io.lakebeam.transforms.curation;

import java.io.Serializable;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.transforms.Combine;

/**
 * The per-cluster sums of one Lloyd pass over some blocks: each cluster's member count and the sum
 * of its members' vectors in fixed point (each element rounded to a multiple of {@code 1 / scale}
 * before it is added, see {@link #scaleFor}). Integer addition is associative, so the sums, and the
 * centroids computed from them, are bit-for-bit the same however the runner bundles the blocks and
 * in whatever order it merges the partial sums. The inertia (sum of squared distances) is a double,
 * for progress reports only.
 */
final class VectorSum implements Serializable {
  private static final long serialVersionUID = 2L;
  final int k;
  final int d;
  final long[] sums;
  final long[] counts;
  double inertia;

  VectorSum(int k, int d) {
    this.k = k;
    this.d = d;
    this.sums = new long[k * d];
    this.counts = new long[k];
  }

  /**
   * The fixed-point scale, a power of two, for {@code rows} vectors whose elements are at most
   * {@code maxAbs} in absolute value: the largest (up to 2^60) for which no sum can overflow.
   */
  static double scaleFor(double maxAbs, long rows) {
    double bound = maxAbs * Math.max(1, rows);
    int exponent = bound > 0 ? Math.min(60, 61 - Math.getExponent(bound) - 1) : 60;
    return Math.scalb(1.0, exponent);
  }

  /** Adds rows {@code [0, n)} of {@code flat}, row i to cluster {@code nearest[i]}. */
  void add(float[] flat, int n, int[] nearest, double scale) {
    for (int i = 0; i < n; i++) {
      int c = nearest[i];
      counts[c]++;
      int base = c * d;
      int from = i * d;
      for (int q = 0; q < d; q++) {
        sums[base + q] += Math.round(flat[from + q] * scale);
      }
    }
  }

  void merge(VectorSum other) {
    for (int i = 0; i < sums.length; i++) {
      sums[i] += other.sums[i];
    }
    for (int c = 0; c < k; c++) {
      counts[c] += other.counts[c];
    }
    inertia += other.inertia;
  }

  /** The mean of cluster {@code c}'s members into {@code out[c * d ..]}; false when empty. */
  boolean mean(int c, double scale, float[] out) {
    if (counts[c] == 0) {
      return false;
    }
    int base = c * d;
    for (int q = 0; q < d; q++) {
      out[base + q] = (float) (sums[base + q] / scale / counts[c]);
    }
    return true;
  }

  /** Merges per-block sums into one (the single global combine of a Lloyd iteration). */
  static final class Merge extends Combine.CombineFn<VectorSum, VectorSum, VectorSum> {
    @Override
    public VectorSum createAccumulator() {
      return null;
    }

    @Override
    public VectorSum addInput(VectorSum acc, VectorSum input) {
      if (acc == null) {
        VectorSum copy = new VectorSum(input.k, input.d);
        copy.merge(input);
        return copy;
      }
      acc.merge(input);
      return acc;
    }

    @Override
    public VectorSum mergeAccumulators(Iterable<VectorSum> all) {
      VectorSum out = null;
      for (VectorSum a : all) {
        if (a != null) {
          out = addInput(out, a);
        }
      }
      return out;
    }

    @Override
    public VectorSum extractOutput(VectorSum acc) {
      return acc == null ? new VectorSum(0, 0) : acc;
    }

    @Override
    public Coder<VectorSum> getAccumulatorCoder(CoderRegistry registry, Coder<VectorSum> input) {
      return org.apache.beam.sdk.coders.NullableCoder.of(SerializableCoder.of(VectorSum.class));
    }

    @Override
    public Coder<VectorSum> getDefaultOutputCoder(CoderRegistry registry, Coder<VectorSum> input) {
      return SerializableCoder.of(VectorSum.class);
    }
  }
}
