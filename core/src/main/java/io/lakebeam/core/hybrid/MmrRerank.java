package io.lakebeam.core.hybrid;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.read.ColumnCache;
import java.util.ArrayList;
import java.util.List;

/**
 * Maximal marginal relevance over a vector field: picks, one at a time, the candidate maximising
 * {@code lambda * rel(d) - (1 - lambda) * max over picked p of cos(d, p)}, where {@code rel} is the
 * fused score min-max normalised over the candidates (so MMR works whatever the legs were). The
 * returned score is that MMR value. {@code lambda = 1} keeps the fused order; 0 is pure diversity.
 *
 * <pre>{@code
 * new MmrRerank("embedding", 0.5);
 * }</pre>
 *
 * @param field the vector column whose cosine similarity measures redundancy
 * @param lambda relevance weight, 0..1
 */
public record MmrRerank(String field, double lambda) implements Rerank {
  public MmrRerank {
    if (!(lambda >= 0 && lambda <= 1)) {
      throw LakebeamException.invalid("Cannot rerank with MMR lambda=%s: use 0..1", lambda);
    }
  }

  @Override
  public void check(Collection c, int queries) {
    if (field == null || !c.vectorFields().containsKey(field)) {
      throw LakebeamException.invalid(
          "Cannot rerank with MMR on '%s': name one of the vector fields %s",
          field, c.vectorFields().keySet());
    }
  }

  @Override
  public List<HybridHit> rerank(Collection c, int query, List<HybridHit> candidates, int k) {
    int n = candidates.size();
    Object[] raw = CandidateColumns.read(c, candidates, field);
    float[][] v = new float[n][];
    for (int i = 0; i < n; i++) {
      v[i] = raw[i] instanceof float[] f ? f : ColumnCache.toFloats(raw[i]);
      v[i] = v[i] == null ? null : unit(v[i]);
    }
    double[] rel = normalised(candidates);
    double[] maxSim = new double[n];
    boolean[] picked = new boolean[n];
    List<HybridHit> out = new ArrayList<>(Math.min(k, n));
    while (out.size() < Math.min(k, n)) {
      int best = -1;
      double bestValue = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < n; i++) {
        if (picked[i]) {
          continue;
        }
        double value = lambda * rel[i] - (1 - lambda) * (out.isEmpty() ? 0 : maxSim[i]);
        if (value > bestValue) {
          best = i;
          bestValue = value;
        }
      }
      picked[best] = true;
      out.add(candidates.get(best).withScore((float) bestValue));
      for (int i = 0; i < n; i++) {
        if (!picked[i] && v[i] != null && v[best] != null) {
          maxSim[i] = Math.max(out.size() == 1 ? -1 : maxSim[i], dot(v[i], v[best]));
        }
      }
    }
    return out;
  }

  static double[] normalised(List<HybridHit> candidates) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (HybridHit h : candidates) {
      min = Math.min(min, h.fusedScore());
      max = Math.max(max, h.fusedScore());
    }
    double[] out = new double[candidates.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = max > min ? (candidates.get(i).fusedScore() - min) / (max - min) : 1.0;
    }
    return out;
  }

  private static float[] unit(float[] v) {
    double norm = Math.sqrt(dot(v, v));
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = norm > 0 ? (float) (v[i] / norm) : 0f;
    }
    return out;
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
