package io.lakebeam.transforms.curation;

import java.io.Serializable;

/**
 * Bands and rows per band of MinHash LSH for a Jaccard threshold: the pair (b, r) with b * r <=
 * numPerm that minimises the equally weighted false-positive and false-negative areas under the
 * S-curve {@code 1 - (1 - s^r)^b}, the choice datasketch's {@code MinHashLSH} makes, so both index
 * the same candidates for the same parameters.
 */
record LshParams(int bands, int rows) implements Serializable {
  static LshParams optimal(double threshold, int numPerm) {
    double best = Double.MAX_VALUE;
    LshParams choice = null;
    for (int b = 1; b <= numPerm; b++) {
      for (int r = 1; r <= numPerm / b; r++) {
        double fp = integrate(b, r, 0, threshold, false);
        double fn = integrate(b, r, threshold, 1, true);
        double error = 0.5 * fp + 0.5 * fn;
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
