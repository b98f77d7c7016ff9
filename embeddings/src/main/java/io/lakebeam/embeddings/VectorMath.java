package io.lakebeam.embeddings;

import java.nio.FloatBuffer;

/** Pooling and normalisation over a model's flat {@code [batch, tokens, hidden]} output. */
final class VectorMath {

  /** Same floor as sentence-transformers' mean pooling (torch.clamp(min=1e-9)). */
  private static final double MIN_TOKEN_COUNT = 1e-9;

  /** Same floor as torch.nn.functional.normalize. */
  private static final double MIN_NORM = 1e-12;

  private VectorMath() {}

  /**
   * Mean of the token vectors of batch row {@code row} whose mask is 1.
   *
   * @param hidden flat {@code [batch, seqLen, dim]} output
   * @param mask the row's attention mask; positions at or past its length are padding
   */
  static float[] meanPool(FloatBuffer hidden, int row, int seqLen, int dim, long[] mask) {
    double[] sum = new double[dim];
    double count = 0;
    int rowBase = row * seqLen * dim;
    int tokens = Math.min(mask.length, seqLen);
    for (int t = 0; t < tokens; t++) {
      if (mask[t] == 0) {
        continue;
      }
      count += mask[t];
      int base = rowBase + t * dim;
      for (int d = 0; d < dim; d++) {
        sum[d] += hidden.get(base + d) * (double) mask[t];
      }
    }
    double divisor = Math.max(count, MIN_TOKEN_COUNT);
    float[] out = new float[dim];
    for (int d = 0; d < dim; d++) {
      out[d] = (float) (sum[d] / divisor);
    }
    return out;
  }

  /** The vector of the first token of batch row {@code row}. */
  static float[] clsPool(FloatBuffer hidden, int row, int seqLen, int dim) {
    float[] out = new float[dim];
    hidden.get(row * seqLen * dim, out, 0, dim);
    return out;
  }

  /** Row {@code row} of an already pooled {@code [batch, dim]} output. */
  static float[] row(FloatBuffer pooled, int row, int dim) {
    float[] out = new float[dim];
    pooled.get(row * dim, out, 0, dim);
    return out;
  }

  /** Scales {@code v} in place to unit L2 norm (a zero vector stays zero). */
  static void l2Normalize(float[] v) {
    double sq = 0;
    for (float x : v) {
      sq += (double) x * x;
    }
    double scale = 1.0 / Math.max(Math.sqrt(sq), MIN_NORM);
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (v[i] * scale);
    }
  }
}
