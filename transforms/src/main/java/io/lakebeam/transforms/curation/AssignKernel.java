package io.lakebeam.transforms.curation;

import java.util.Arrays;

/**
 * Nearest-centroid assignment of a block of rows, GEMM-style (as BLAS-backed k-means does): the
 * squared distance {@code ||x||^2 - 2 x.c + ||c||^2} is ranked by {@code ||c||^2 - 2 x.c}, with the
 * dot products computed for tiles of rows by centroids ({@link DotTiles}). A row's assignment does
 * not depend on how rows are blocked; ties go to the lowest centroid index. Immutable after
 * construction; thread-safe.
 */
final class AssignKernel {
  private static final int W = DotTiles.WIDTH;

  final int k;
  final int d;
  private final DotTiles dots;

  /** ||c||^2 per (padded) centroid; padding is +infinity so it is never nearest. */
  private final float[] norms;

  AssignKernel(Centroids c) {
    this.k = c.k;
    this.d = c.d;
    this.dots = new DotTiles(c.flat, k, d);
    this.norms = new float[dots.panels * W];
    Arrays.fill(norms, Float.POSITIVE_INFINITY);
    for (int j = 0; j < k; j++) {
      norms[j] = VectorMath.dot(c.flat, j * d, c.flat, j * d, d);
    }
  }

  /**
   * Assigns rows {@code [0, n)} of {@code x} (row-major, {@code n * d}): {@code nearest[i]} gets
   * the index of the nearest centroid and {@code score[i]} its {@code ||c||^2 - 2 x.c} (add {@code
   * ||x||^2} for the squared distance).
   */
  void assign(float[] x, int n, int[] nearest, float[] score) {
    Arrays.fill(score, 0, n, Float.POSITIVE_INFINITY);
    Arrays.fill(nearest, 0, n, 0);
    float[] tile = new float[4 * W];
    for (int p = 0; p < dots.panels; p++) {
      int i = 0;
      for (; i + 4 <= n; i += 4) {
        dots.tile4(x, i, p, tile);
        for (int r = 0; r < 4; r++) {
          pick(tile, r * W, i + r, p * W, nearest, score);
        }
      }
      for (; i < n; i++) {
        dots.tile1(x, i, p, tile);
        pick(tile, 0, i, p * W, nearest, score);
      }
    }
  }

  private void pick(float[] tile, int at, int row, int base, int[] nearest, float[] score) {
    float best = score[row];
    int index = -1;
    for (int j = 0; j < W; j++) {
      float s = norms[base + j] - 2 * tile[at + j];
      if (s < best) {
        best = s;
        index = base + j;
      }
    }
    if (index >= 0) {
      score[row] = best;
      nearest[row] = index;
    }
  }
}
