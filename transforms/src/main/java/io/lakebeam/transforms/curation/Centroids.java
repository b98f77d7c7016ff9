package io.lakebeam.transforms.curation;

import java.io.Serializable;
import java.util.Random;

/**
 * k centroids of dimension d, stored flat ({@code k * d} floats). Immutable once built; safe to
 * share between threads as a side input.
 */
final class Centroids implements Serializable {
  private static final long serialVersionUID = 1L;
  final int k;
  final int d;
  final float[] flat;
  private transient volatile AssignKernel kernel;

  Centroids(int k, int d, float[] flat) {
    this.k = k;
    this.d = d;
    this.flat = flat;
  }

  static Centroids of(float[][] rows) {
    int d = rows[0].length;
    float[] flat = new float[rows.length * d];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != d) {
        throw new IllegalArgumentException(
            "Cannot use initial centroids of different dimensions: "
                + d
                + " and "
                + rows[i].length);
      }
      System.arraycopy(rows[i], 0, flat, i * d, d);
    }
    return new Centroids(rows.length, d, flat);
  }

  float[] centroid(int c) {
    float[] out = new float[d];
    System.arraycopy(flat, c * d, out, 0, d);
    return out;
  }

  /** The block assignment kernel of these centroids, built on first use. */
  AssignKernel kernel() {
    AssignKernel kern = kernel;
    if (kern == null) {
      kern = new AssignKernel(this);
      kernel = kern;
    }
    return kern;
  }

  /** The nearest centroid of {@code v} and its squared distance, as {@code {index, dist}}. */
  int nearest(float[] v, float[] distanceOut) {
    int best = 0;
    float bestDist = Float.MAX_VALUE;
    for (int c = 0; c < k; c++) {
      float dist = VectorMath.squaredDistance(v, flat, c * d, d);
      if (dist < bestDist) {
        bestDist = dist;
        best = c;
      }
    }
    distanceOut[0] = bestDist;
    return best;
  }

  /**
   * Greedy k-means++ (as scikit-learn seeds): each new centroid is the best of {@code 2 + ln k}
   * candidates drawn with probability proportional to the squared distance to the nearest chosen
   * centroid. Deterministic for a seed and a sample order. Returns fewer than {@code k} centroids
   * only when the sample has fewer points.
   */
  static Centroids kMeansPlusPlus(float[][] sample, int k, long seed) {
    int n = sample.length;
    int d = sample[0].length;
    int kk = Math.min(k, n);
    Random rnd = new Random(seed);
    int trials = 2 + (int) Math.log(kk);
    float[] flat = new float[kk * d];
    int first = rnd.nextInt(n);
    System.arraycopy(sample[first], 0, flat, 0, d);
    double[] closest = new double[n];
    double potential = 0;
    for (int i = 0; i < n; i++) {
      closest[i] = VectorMath.squaredDistance(sample[i], flat, 0, d);
      potential += closest[i];
    }
    double[] candidateDist = new double[n];
    double[] bestDist = new double[n];
    for (int c = 1; c < kk; c++) {
      int best = -1;
      double bestPotential = Double.MAX_VALUE;
      for (int t = 0; t < trials; t++) {
        int candidate = draw(closest, potential, rnd);
        double p = 0;
        for (int i = 0; i < n; i++) {
          candidateDist[i] =
              Math.min(closest[i], VectorMath.squaredDistance(sample[i], sample[candidate], 0, d));
          p += candidateDist[i];
        }
        if (p < bestPotential) {
          bestPotential = p;
          best = candidate;
          System.arraycopy(candidateDist, 0, bestDist, 0, n);
        }
      }
      System.arraycopy(sample[best], 0, flat, c * d, d);
      System.arraycopy(bestDist, 0, closest, 0, n);
      potential = bestPotential;
    }
    return new Centroids(kk, d, flat);
  }

  private static int draw(double[] weights, double total, Random rnd) {
    if (total <= 0) {
      return rnd.nextInt(weights.length);
    }
    double target = rnd.nextDouble() * total;
    double sum = 0;
    for (int i = 0; i < weights.length; i++) {
      sum += weights[i];
      if (sum >= target) {
        return i;
      }
    }
    return weights.length - 1;
  }
}
