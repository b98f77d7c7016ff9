package io.lakebeam.transforms.curation;

/**
 * Sorts and de-duplicates pairs of longs stored flat ({@code x0, y0, x1, y1, ...}) in place, by
 * {@code x} then {@code y}, without boxing.
 */
final class PairSort {
  private static final int INSERTION = 16;

  private PairSort() {}

  /** Sorts the pairs of {@code p} (even length). */
  static void sort(long[] p) {
    sort(p, 0, p.length / 2 - 1);
  }

  /** Sorts the pairs, then returns the length (in longs) of the prefix of distinct pairs. */
  static int sortDistinct(long[] p) {
    sort(p);
    int n = 0;
    for (int i = 0; i < p.length; i += 2) {
      if (n == 0 || p[i] != p[n - 2] || p[i + 1] != p[n - 1]) {
        p[n] = p[i];
        p[n + 1] = p[i + 1];
        n += 2;
      }
    }
    return n;
  }

  private static void sort(long[] p, int lo, int hi) {
    while (hi - lo > INSERTION) {
      int mid = (lo + hi) >>> 1;
      if (compare(p, mid, lo) < 0) {
        swap(p, mid, lo);
      }
      if (compare(p, hi, lo) < 0) {
        swap(p, hi, lo);
      }
      if (compare(p, hi, mid) < 0) {
        swap(p, hi, mid);
      }
      long px = p[2 * mid];
      long py = p[2 * mid + 1];
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (compare(p[2 * i], p[2 * i + 1], px, py) < 0) {
          i++;
        }
        while (compare(p[2 * j], p[2 * j + 1], px, py) > 0) {
          j--;
        }
        if (i <= j) {
          swap(p, i++, j--);
        }
      }
      if (j - lo < hi - i) {
        sort(p, lo, j);
        lo = i;
      } else {
        sort(p, i, hi);
        hi = j;
      }
    }
    for (int i = lo + 1; i <= hi; i++) {
      long x = p[2 * i];
      long y = p[2 * i + 1];
      int j = i - 1;
      while (j >= lo && compare(p[2 * j], p[2 * j + 1], x, y) > 0) {
        p[2 * j + 2] = p[2 * j];
        p[2 * j + 3] = p[2 * j + 1];
        j--;
      }
      p[2 * j + 2] = x;
      p[2 * j + 3] = y;
    }
  }

  private static int compare(long[] p, int i, int j) {
    return compare(p[2 * i], p[2 * i + 1], p[2 * j], p[2 * j + 1]);
  }

  private static int compare(long x1, long y1, long x2, long y2) {
    int c = Long.compare(x1, x2);
    return c != 0 ? c : Long.compare(y1, y2);
  }

  private static void swap(long[] p, int i, int j) {
    long x = p[2 * i];
    long y = p[2 * i + 1];
    p[2 * i] = p[2 * j];
    p[2 * i + 1] = p[2 * j + 1];
    p[2 * j] = x;
    p[2 * j + 1] = y;
  }
}
