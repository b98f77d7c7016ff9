package io.lakebeam.transforms.curation;

import java.io.Serializable;
import java.util.SplittableRandom;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * MinHash signatures: {@code numPerm} hash functions of the multiply-shift family {@code (a * x +
 * b) >>> 32} over 64-bit shingle hashes, each keeping its minimum as an unsigned 32-bit value. The
 * functions are drawn from {@code seed}, so signatures are repeatable across workers and runs.
 */
final class MinHasher implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final VectorSpecies<Long> LANES = LongVector.SPECIES_PREFERRED;
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

  /**
   * The signature of a non-empty shingle set. Eight (or the vector width's) permutations at a time
   * run over all shingles in SIMD lanes, so each lane keeps its running minimum in a register.
   */
  int[] signature(long[] shingles) {
    int k = a.length;
    long[] mins = new long[k];
    int bound = LANES.loopBound(k);
    for (int i = 0; i < bound; i += LANES.length()) {
      LongVector va = LongVector.fromArray(LANES, a, i);
      LongVector vb = LongVector.fromArray(LANES, b, i);
      LongVector min = LongVector.broadcast(LANES, Long.MAX_VALUE);
      for (long x : shingles) {
        min = min.min(va.mul(x).add(vb).lanewise(VectorOperators.LSHR, 32));
      }
      min.intoArray(mins, i);
    }
    for (int i = bound; i < k; i++) {
      long min = Long.MAX_VALUE;
      for (long x : shingles) {
        min = Math.min(min, (a[i] * x + b[i]) >>> 32);
      }
      mins[i] = min;
    }
    int[] sig = new int[k];
    for (int i = 0; i < k; i++) {
      sig[i] = (int) mins[i];
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
