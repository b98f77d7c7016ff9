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

  /** The fixed-point scale of the sums (0 before any row was added). */
  double scale;

  /** The centroids the pass started from (flat), carried by one element of the combine. */
  float[] previous;

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

  /** Empty sums that carry the centroids a pass started from (every block's sums do). */
  static VectorSum carrying(Centroids previous) {
    VectorSum s = new VectorSum(previous.k, previous.d);
    s.previous = previous.flat;
    return s;
  }

  /** Adds rows {@code [0, n)} of {@code flat}, row i to cluster {@code nearest[i]}. */
  void add(float[] flat, int n, int[] nearest, double scale) {
    this.scale = scale;
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
    if (other.scale != 0) {
      scale = other.scale;
    }
    if (other.previous != null) {
      previous = other.previous;
    }
  }

  /** The new centroids: each cluster's mean, or its previous centroid when it got no rows. */
  Centroids moved() {
    float[] flat = previous.clone();
    for (int c = 0; c < k; c++) {
      mean(c, scale, flat);
    }
    return new Centroids(k, d, flat);
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

  /**
   * Merges the per-block sums of a pass and the carried centroids into the next centroids (the
   * single global combine of a Lloyd iteration).
   */
  static final class Step extends Combine.CombineFn<VectorSum, VectorSum, Centroids> {
    private static final System.Logger LOG = System.getLogger(KMeansFit.class.getName());
    private final String label;
    private final int iteration;
    private final int iterations;

    Step(String label, int iteration, int iterations) {
      // one accumulator per worker; the carried centroids ride along with every block's sums
      this.label = label;
      this.iteration = iteration;
      this.iterations = iterations;
    }

    @Override
    public VectorSum createAccumulator() {
      return null;
    }

    @Override
    public VectorSum addInput(VectorSum acc, VectorSum input) {
      if (acc == null) {
        acc = new VectorSum(input.k, input.d);
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
    public Centroids extractOutput(VectorSum acc) {
      if (acc == null || acc.previous == null) {
        throw new IllegalStateException("Cannot cluster: no row has a usable vector");
      }
      LOG.log(
          System.Logger.Level.INFO,
          "{0}: iteration {1}/{2}, inertia {3} before the move",
          label,
          iteration,
          iterations,
          acc.inertia);
      return acc.moved();
    }

    @Override
    public Coder<VectorSum> getAccumulatorCoder(CoderRegistry registry, Coder<VectorSum> input) {
      return org.apache.beam.sdk.coders.NullableCoder.of(SerializableCoder.of(VectorSum.class));
    }

    @Override
    public Coder<Centroids> getDefaultOutputCoder(CoderRegistry registry, Coder<VectorSum> input) {
      return SerializableCoder.of(Centroids.class);
    }
  }
}
