package io.lakebeam.transforms.curation;

import java.io.Serializable;
import java.util.Random;

/**
 * An isolation forest (Liu, Ting and Zhou, 2008): trees that split on a random dimension at a
 * random value until a point is isolated; anomalies are isolated in few splits. The score of a
 * point is {@code 2^(-E[h(x)] / c(psi))} in (0, 1], higher is more anomalous (as scikit-learn's
 * {@code -score_samples}). Trees are stored as flat arrays; immutable and thread-safe.
 */
final class IsolationForestModel implements Serializable {
  private static final long serialVersionUID = 2L;

  /** Node arrays of all trees, tree after tree; node i is a leaf when {@code dims[i] < 0}. */
  private final int[] dims;

  private final float[] splits;
  private final int[] left;
  private final int[] right;

  /** c(size of the leaf) for leaves. */
  private final double[] leafAdjust;

  /** First node of each tree. */
  private final int[] roots;

  private final double normaliser;

  private IsolationForestModel(
      int[] dims,
      float[] splits,
      int[] left,
      int[] right,
      double[] leafAdjust,
      int[] roots,
      int sampleSize) {
    this.dims = dims;
    this.splits = splits;
    this.left = left;
    this.right = right;
    this.leafAdjust = leafAdjust;
    this.roots = roots;
    this.normaliser = averagePathLength(sampleSize);
  }

  /** Grows {@code trees} trees, each on {@code sampleSize} points drawn from {@code points}. */
  static IsolationForestModel fit(float[][] points, int trees, int sampleSize, long seed) {
    Random rnd = new Random(seed);
    int psi = Math.min(sampleSize, points.length);
    int maxDepth = (int) Math.ceil(Math.log(Math.max(psi, 2)) / Math.log(2));
    Tree all = new Tree(2 * psi * trees);
    int[] roots = new int[trees];
    for (int t = 0; t < trees; t++) {
      int[] idx = new int[psi];
      for (int i = 0; i < psi; i++) {
        idx[i] = rnd.nextInt(points.length);
      }
      roots[t] = all.grow(points, idx, 0, psi, 0, maxDepth, rnd);
    }
    double[] adjust = new double[all.size];
    for (int i = 0; i < all.size; i++) {
      adjust[i] = all.dim[i] < 0 ? averagePathLength(all.count[i]) : 0;
    }
    return new IsolationForestModel(
        java.util.Arrays.copyOf(all.dim, all.size),
        java.util.Arrays.copyOf(all.split, all.size),
        java.util.Arrays.copyOf(all.left, all.size),
        java.util.Arrays.copyOf(all.right, all.size),
        adjust,
        roots,
        psi);
  }

  double score(float[] v) {
    double[] out = new double[1];
    score(v, 1, v.length, out);
    return out[0];
  }

  /**
   * Scores rows {@code [0, n)} of {@code flat} (row-major, dimension {@code d}) into {@code out},
   * one tree at a time over the whole block (the tree stays in cache); each row's path lengths are
   * added in tree order, so a score does not depend on the block.
   */
  void score(float[] flat, int n, int d, double[] out) {
    double[] total = new double[n];
    for (int root : roots) {
      for (int i = 0; i < n; i++) {
        int node = root;
        int depth = 0;
        int base = i * d;
        while (dims[node] >= 0) {
          node = flat[base + dims[node]] < splits[node] ? left[node] : right[node];
          depth++;
        }
        total[i] += depth + leafAdjust[node];
      }
    }
    for (int i = 0; i < n; i++) {
      out[i] = Math.pow(2, -(total[i] / roots.length) / normaliser);
    }
  }

  /** c(n): the average path length of an unsuccessful search in a binary search tree of n. */
  static double averagePathLength(int n) {
    if (n <= 1) {
      return 0;
    }
    if (n == 2) {
      return 1;
    }
    return 2 * (Math.log(n - 1) + 0.5772156649015329) - 2.0 * (n - 1) / n;
  }

  /** A tree under construction; node i is a leaf when dim[i] < 0, else splits to left/right. */
  private static final class Tree {
    int[] dim;
    float[] split;
    int[] left;
    int[] right;
    int[] count;
    int size;

    Tree(int capacity) {
      dim = new int[capacity];
      split = new float[capacity];
      left = new int[capacity];
      right = new int[capacity];
      count = new int[capacity];
    }

    private int add() {
      if (size == dim.length) {
        int cap = size * 2;
        dim = java.util.Arrays.copyOf(dim, cap);
        split = java.util.Arrays.copyOf(split, cap);
        left = java.util.Arrays.copyOf(left, cap);
        right = java.util.Arrays.copyOf(right, cap);
        count = java.util.Arrays.copyOf(count, cap);
      }
      return size++;
    }

    int grow(float[][] points, int[] idx, int from, int to, int depth, int maxDepth, Random rnd) {
      int node = add();
      count[node] = to - from;
      dim[node] = -1;
      if (to - from <= 1 || depth >= maxDepth) {
        return node;
      }
      int d = points[idx[from]].length;
      for (int attempt = 0; attempt < 8; attempt++) {
        int q = rnd.nextInt(d);
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (int i = from; i < to; i++) {
          float x = points[idx[i]][q];
          min = Math.min(min, x);
          max = Math.max(max, x);
        }
        if (max > min) {
          float p = min + (float) rnd.nextDouble() * (max - min);
          int mid = from;
          for (int i = from; i < to; i++) {
            if (points[idx[i]][q] < p) {
              int tmp = idx[i];
              idx[i] = idx[mid];
              idx[mid++] = tmp;
            }
          }
          dim[node] = q;
          split[node] = p;
          int l = grow(points, idx, from, mid, depth + 1, maxDepth, rnd);
          int r = grow(points, idx, mid, to, depth + 1, maxDepth, rnd);
          left[node] = l;
          right[node] = r;
          return node;
        }
      }
      return node;
    }
  }
}
