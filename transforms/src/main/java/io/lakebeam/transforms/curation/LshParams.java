package io.lakebeam.transforms.curation;

import java.io.Serializable;

/**
 * Bands and rows per band of MinHash LSH for a Jaccard threshold: the pair (b, r) with b * r <=
 * numPerm that minimises the weighted false-positive and false-negative areas under the S-curve
 * {@code 1 - (1 - s^r)^b}, the choice datasketch's {@code MinHashLSH(threshold, num_perm, weights)}
 * makes, so both index the same candidates for the same parameters.
 */
public record LshParams(int bands, int rows) implements Serializable {
  /**
   * The false-positive weight near-duplicate detection uses: recall-leaning, because every
   * candidate pair is verified by exact Jaccard, so a false positive costs only a comparison
   * (datasketch's default is 0.5/0.5; for 0.8 and 128 permutations 0.05/0.95 gives b=16, r=8
   * instead of b=9, r=13).
   */
  static final double FALSE_POSITIVE_WEIGHT = 0.05;

  /** The false-negative weight; see {@link #FALSE_POSITIVE_WEIGHT}. */
  static final double FALSE_NEGATIVE_WEIGHT = 0.95;

  static LshParams optimal(double threshold, int numPerm) {
    return optimal(threshold, numPerm, FALSE_POSITIVE_WEIGHT, FALSE_NEGATIVE_WEIGHT);
  }

  static LshParams optimal(double threshold, int numPerm, double fpWeight, double fnWeight) {
    double best = Double.MAX_VALUE;
    LshParams choice = null;
    for (int b = 1; b <= numPerm; b++) {
      for (int r = 1; r <= numPerm / b; r++) {
        double fp = integrate(b, r, 0, threshold, false);
        double fn = integrate(b, r, threshold, 1, true);
        double error = fpWeight * fp + fnWeight * fn;
        if (error < best) {
          best = error;
          choice = new LshParams(b, r);
        }
      }
    }
    return choice;
  }

  private static double integrate(int b, int r, double from, double to, boolean negatives) {
    int steps = 1000;
    double h = (to - from) / steps;
    double sum = 0;
    for (int i = 0; i <= steps; i++) {
      double s = from + i * h;
      double p = 1 - Math.pow(1 - Math.pow(s, r), b);
      double y = negatives ? 1 - p : p;
      sum += (i == 0 || i == steps ? 0.5 : 1) * y;
    }
    return sum * h;
  }
}
