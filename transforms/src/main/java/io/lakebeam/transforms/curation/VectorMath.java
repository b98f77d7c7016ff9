package io.lakebeam.transforms.curation;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** SIMD kernels over float arrays (the JDK's Vector API), with scalar tails. */
final class VectorMath {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

  private VectorMath() {}

  /** Dot product of {@code a[0..d)} and {@code b[offset..offset+d)}. */
  static float dot(float[] a, float[] b, int offset, int d) {
    return dot(a, 0, b, offset, d);
  }

  /** Dot product of {@code a[aOffset..aOffset+d)} and {@code b[bOffset..bOffset+d)}. */
  static float dot(float[] a, int aOffset, float[] b, int bOffset, int d) {
    int i = 0;
    FloatVector acc = FloatVector.zero(SPECIES);
    for (int bound = SPECIES.loopBound(d); i < bound; i += SPECIES.length()) {
      acc =
          FloatVector.fromArray(SPECIES, a, aOffset + i)
              .fma(FloatVector.fromArray(SPECIES, b, bOffset + i), acc);
    }
    float sum = acc.reduceLanes(VectorOperators.ADD);
    for (; i < d; i++) {
      sum += a[aOffset + i] * b[bOffset + i];
    }
    return sum;
  }

  static float dot(float[] a, float[] b) {
    return dot(a, b, 0, a.length);
  }

  /** Squared Euclidean distance of {@code a} and {@code b[offset..offset+d)}. */
  static float squaredDistance(float[] a, float[] b, int offset, int d) {
    return squaredDistance(a, 0, b, offset, d);
  }

  /** Squared Euclidean distance of {@code a[aOffset..aOffset+d)} and {@code b[bOffset..)}. */
  static float squaredDistance(float[] a, int aOffset, float[] b, int bOffset, int d) {
    int i = 0;
    FloatVector acc = FloatVector.zero(SPECIES);
    for (int bound = SPECIES.loopBound(d); i < bound; i += SPECIES.length()) {
      FloatVector diff =
          FloatVector.fromArray(SPECIES, a, aOffset + i)
              .sub(FloatVector.fromArray(SPECIES, b, bOffset + i));
      acc = diff.fma(diff, acc);
    }
    float sum = acc.reduceLanes(VectorOperators.ADD);
    for (; i < d; i++) {
      float diff = a[aOffset + i] - b[bOffset + i];
      sum += diff * diff;
    }
    return sum;
  }

  /** Scales {@code v} to unit length in place (a zero vector stays zero). */
  static void normalize(float[] v) {
    float norm = (float) Math.sqrt(dot(v, v));
    if (norm > 0) {
      for (int i = 0; i < v.length; i++) {
        v[i] /= norm;
      }
    }
  }
}
