package io.lakebeam.transforms.curation;

import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * MinHash signatures: {@code numPerm} hash functions of the multiply-shift family {@code (a * x +
 * b) >>> 32} over 64-bit shingle hashes, each keeping its minimum as an unsigned 32-bit value. The
 * functions are drawn from {@code seed}, so signatures are repeatable across workers and runs.
 */
final class MinHasher implements Serializable {
  private static final long serialVersionUID = 1L;
  private final long[] a;
  private final long[] b;

  MinHasher(int numPerm, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    a = new long[numPerm];
    b = new long[numPerm];
    for (int i = 0; i < numPerm; i++) {
      a[i] = rnd.nextLong() | 1L;
      b[i] = rnd.nextLong();
    }
  }

  int numPerm() {
    return a.length;
  }

  /** The signature of a non-empty shingle set. */
  int[] signature(long[] shingles) {
    int k = a.length;
    long[] min = new long[k];
    java.util.Arrays.fill(min, Long.MAX_VALUE);
    for (long x : shingles) {
      for (int i = 0; i < k; i++) {
        long h = (a[i] * x + b[i]) >>> 32;
        if (h < min[i]) {
          min[i] = h;
        }
      }
    }
    int[] sig = new int[k];
    for (int i = 0; i < k; i++) {
      sig[i] = (int) min[i];
    }
    return sig;
  }

  /** A hash of signature values {@code [from, from + rows)}, salted with the band index. */
  static long bandKey(int[] signature, int band, int rows) {
    long h = Shingles.mix(band + 0x632BE59BD9B4E019L);
    for (int i = band * rows; i < (band + 1) * rows; i++) {
      h = Shingles.mix(h ^ (signature[i] & 0xFFFFFFFFL));
    }
    return h;
  }
}
