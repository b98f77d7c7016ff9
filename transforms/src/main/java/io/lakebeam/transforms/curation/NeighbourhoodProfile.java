package io.lakebeam.transforms.curation;

import java.io.Serializable;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The multi-scale neighbourhood profile of a row and its outlier score; see {@link MultiScaleKnn}.
 *
 * <p>From a row's sorted distances {@code d_1 <= ... <= d_K} to its K nearest other rows, the
 * profile holds
 *
 * <ul>
 *   <li>for each <em>far scale</em> t in {1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, then
 *       x1.5} up to K: {@code W_t}, the mean of {@code d_t .. d_ceil(1.25 t)} (a short window, so
 *       that rows of the row's own small group do not dilute it);
 *   <li>for each <em>near scale</em> s in {4, 8, 16, 32, 48} below K: {@code M_s}, the mean of
 *       {@code d_1 .. d_s} (a cumulative mean, so that one near-duplicate does not make a row look
 *       dense).
 * </ul>
 *
 * Every value is divided by the table's median of the same value ({@code r(v) = (v + eps) / (median
 * + eps)}, {@code eps} = 1% of the median of the largest far scale, so exact duplicates stay
 * finite). The score is {@code isolation * contrast}:
 *
 * <ul>
 *   <li>{@code isolation = max_t r(W_t)}: how much farther the row's neighbours are than a typical
 *       row's, at the scale where that is largest. Isolated points score high at small t; a group
 *       of g rows far from everything scores high at t >= g.
 *   <li>{@code contrast = max_{s < t} r(W_t) / r(M_s)}: how much denser the row's closest s
 *       neighbours are than its t-th ones, relative to a typical row. A tight group of g rows (junk
 *       repeated, boilerplate, encoded blobs) has a dense inside ({@code M_{s}} small for s < g)
 *       and a gap around it ({@code W_t} typical or larger for t >= g), even when, as with
 *       embeddings of gibberish, the group sits in the middle of the data where plain kNN distance
 *       is small.
 * </ul>
 *
 * A typical row scores about 1 on both. Groups larger than about K rows are not groups to this
 * score but clusters.
 */
final class NeighbourhoodProfile implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final int[] FAR = {1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128};
  private static final int[] NEAR = {4, 8, 16, 32, 48};
  private static final double WINDOW = 1.25;
  private static final double EPSILON = 0.01;

  private final int k;
  private final int[] far;
  private final int[] near;

  /** The profile of rows with {@code k} neighbours each. */
  NeighbourhoodProfile(int k) {
    this.k = k;
    this.far = farScales(k);
    this.near = Arrays.stream(NEAR).filter(s -> s < k).toArray();
  }

  /** The far scales up to {@code k}: {@link #FAR}, continued by factors of 1.5 beyond 128. */
  private static int[] farScales(int k) {
    IntStream.Builder out = IntStream.builder();
    int t = 0;
    for (int f : FAR) {
      t = f;
      if (t <= k) {
        out.add(t);
      }
    }
    for (t = (int) Math.ceil(t * 1.5); t <= k; t = (int) Math.ceil(t * 1.5)) {
      out.add(t);
    }
    return out.build().toArray();
  }

  /** Neighbours each row needs. */
  int k() {
    return k;
  }

  /** Values per profile. */
  int size() {
    return far.length + near.length;
  }

  /**
   * The profile of a row from its ascending distances to its nearest other rows ({@code count} of
   * them, at most k; fewer in a small table: missing ranks repeat the last distance).
   */
  float[] of(float[] distances, int count) {
    float[] p = new float[size()];
    if (count == 0) {
      return p;
    }
    for (int i = 0; i < far.length; i++) {
      int from = far[i];
      int to = Math.min(Math.max(from, (int) Math.ceil(from * WINDOW)), k);
      double sum = 0;
      for (int r = from; r <= to; r++) {
        sum += distances[Math.min(r, count) - 1];
      }
      p[i] = (float) (sum / (to - from + 1));
    }
    for (int i = 0; i < near.length; i++) {
      double sum = 0;
      for (int r = 1; r <= near[i]; r++) {
        sum += distances[Math.min(r, count) - 1];
      }
      p[far.length + i] = (float) (sum / near[i]);
    }
    return p;
  }

  /** The score of a profile given the table's median of each entry ({@code medians[i]}). */
  double score(float[] profile, double[] medians) {
    double eps = EPSILON * Math.max(medians[far.length - 1], 1e-9);
    double isolation = 0;
    double[] w = new double[far.length];
    for (int i = 0; i < far.length; i++) {
      w[i] = (profile[i] + eps) / (medians[i] + eps);
      isolation = Math.max(isolation, w[i]);
    }
    double contrast = 1;
    for (int j = 0; j < near.length; j++) {
      double m = (profile[far.length + j] + eps) / (medians[far.length + j] + eps);
      for (int i = 0; i < far.length; i++) {
        if (far[i] > near[j]) {
          contrast = Math.max(contrast, w[i] / m);
        }
      }
    }
    return isolation * contrast;
  }
}
