package io.lakebeam.core.lake;

import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.lakebeam.core.LakebeamException;
import java.util.Locale;

/** Vector similarity metric of a vector field. */
public enum Metric {
  COSINE(VectorSimilarityFunction.COSINE),
  DOT(VectorSimilarityFunction.DOT_PRODUCT),
  L2(VectorSimilarityFunction.EUCLIDEAN);

  private final VectorSimilarityFunction similarity;

  Metric(VectorSimilarityFunction similarity) {
    this.similarity = similarity;
  }

  public VectorSimilarityFunction similarity() {
    return similarity;
  }

  /** The name used in table properties and on the wire: {@code cosine}, {@code dot}, {@code l2}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a metric name; accepts common synonyms ({@code ip}, {@code euclidean}). */
  public static Metric parse(String name) {
    if (name == null) {
      return COSINE;
    }
    switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "cosine":
      case "cos":
        return COSINE;
      case "dot":
      case "ip":
      case "inner_product":
      case "dot_product":
        return DOT;
      case "l2":
      case "euclidean":
        return L2;
      default:
        throw LakebeamException.invalid(
            "Cannot use metric '%s': choose one of cosine, dot, l2", name);
    }
  }

  /**
   * The similarity an index is built and searched with. Cosine becomes the dot product of unit
   * vectors: the same order and the same jVector score, {@code (1 + cos) / 2}, at a third of the
   * arithmetic.
   */
  public VectorSimilarityFunction indexSimilarity() {
    return this == COSINE ? VectorSimilarityFunction.DOT_PRODUCT : similarity;
  }

  /** The vector as an index stores it: scaled to unit length for cosine, as it is otherwise. */
  public float[] forIndex(float[] v) {
    if (this != COSINE) {
      return v;
    }
    double norm = 0;
    for (float x : v) {
      norm += (double) x * x;
    }
    float inv = (float) (1.0 / Math.sqrt(norm));
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] * inv;
    }
    return out;
  }

  /** Turns jVector's normalised score (in [0, 1], higher is closer) into this metric's score. */
  public float score(float jvectorScore) {
    return this == L2 ? jvectorScore : 2f * jvectorScore - 1f;
  }

  /** Turns jVector's normalised score into a distance (smaller is closer). */
  public float distance(float jvectorScore) {
    switch (this) {
      case COSINE:
        return 1f - score(jvectorScore);
      case DOT:
        return -score(jvectorScore);
      default:
        return 1f / jvectorScore - 1f;
    }
  }
}
