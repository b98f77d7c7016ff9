package io.lakebeam.core.hybrid;

import io.lakebeam.core.LakebeamException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How the legs of a hybrid search are fused into one ranking.
 *
 * <ul>
 *   <li>{@link Rrf}: reciprocal rank fusion, {@code score = sum over legs of 1 / (k + rank)} with
 *       1-based ranks (as Milvus's RRFRanker and Elasticsearch's rrf retriever); a leg that did not
 *       return the row adds nothing.
 *   <li>{@link Weighted}: weighted score fusion, {@code score = sum of w_i * norm_i(s)}, where each
 *       leg's scores are min-max normalised over that leg's hits of the query ({@code (s - min) /
 *       (max - min)}, 1 when all are equal), so cosine similarities and BM25 scores become
 *       comparable; a leg that did not return the row adds 0.
 * </ul>
 *
 * Ties break by data file then position, so the same input always gives the same order.
 *
 * <pre>{@code
 * Ranker rrf = new Ranker.Rrf(60);
 * Ranker weighted = new Ranker.Weighted(new double[] {0.7, 0.3});
 * }</pre>
 */
public sealed interface Ranker {
  /** Milvus's and Elasticsearch's default RRF constant. */
  int DEFAULT_RRF_K = 60;

  /** Checks the ranker against the number of legs. */
  void check(int legs);

  /** Fuses one query's leg results (one list per leg, best first) into one ranking, best first. */
  List<HybridHit> fuse(List<List<LegHit>> legs);

  /** Reciprocal rank fusion with constant {@code k} (1..10000; default 60). */
  record Rrf(int k) implements Ranker {
    public Rrf {
      if (k < 1 || k > 10_000) {
        throw LakebeamException.invalid("Cannot fuse with RRF k=%d: use 1..10000 (default 60)", k);
      }
    }

    @Override
    public void check(int legs) {}

    @Override
    public List<HybridHit> fuse(List<List<LegHit>> legs) {
      return Ranker.fuse(legs, (leg, rank, hit, all) -> 1.0 / (k + rank));
    }
  }

  /** Weighted score fusion; one weight (finite, at least 0, not all 0) per leg. */
  record Weighted(double[] weights) implements Ranker {
    public Weighted {
      if (weights == null || weights.length == 0) {
        throw LakebeamException.invalid(
            "Cannot fuse with weights: give one weight per leg, e.g. [0.7, 0.3]");
      }
      double sum = 0;
      for (double w : weights) {
        if (!Double.isFinite(w) || w < 0) {
          throw LakebeamException.invalid(
              "Cannot fuse with weights %s: each must be a finite number >= 0",
              Arrays.toString(weights));
        }
        sum += w;
      }
      if (sum == 0) {
        throw LakebeamException.invalid(
            "Cannot fuse with weights %s: at least one must be above 0", Arrays.toString(weights));
      }
      weights = weights.clone();
    }

    @Override
    public void check(int legs) {
      if (weights.length != legs) {
        throw LakebeamException.invalid(
            "Cannot fuse %d legs with %d weights %s: give one weight per leg",
            legs, weights.length, Arrays.toString(weights));
      }
    }

    @Override
    public List<HybridHit> fuse(List<List<LegHit>> legs) {
      check(legs.size());
      double[] min = new double[legs.size()];
      double[] max = new double[legs.size()];
      for (int l = 0; l < legs.size(); l++) {
        min[l] = Double.POSITIVE_INFINITY;
        max[l] = Double.NEGATIVE_INFINITY;
        for (LegHit h : legs.get(l)) {
          min[l] = Math.min(min[l], h.score());
          max[l] = Math.max(max[l], h.score());
        }
      }
      return Ranker.fuse(
          legs,
          (leg, rank, hit, all) -> {
            double span = max[leg] - min[leg];
            double norm = span > 0 ? (hit.score() - min[leg]) / span : 1.0;
            return weights[leg] * norm;
          });
    }
  }

  /** A leg's contribution to a row's fused score. */
  interface Contribution {
    double of(int leg, int rank, LegHit hit, List<LegHit> legHits);
  }

  /** Sums each row's contributions over the legs and sorts. */
  private static List<HybridHit> fuse(List<List<LegHit>> legs, Contribution contribution) {
    int n = legs.size();
    record Acc(String file, long pos, double[] sum, int[] ranks, float[] scores) {}
    Map<String, Map<Long, Acc>> byFile = new HashMap<>();
    List<Acc> all = new ArrayList<>();
    for (int l = 0; l < n; l++) {
      List<LegHit> hits = legs.get(l);
      for (int r = 0; r < hits.size(); r++) {
        LegHit h = hits.get(r);
        Acc acc =
            byFile
                .computeIfAbsent(h.file(), f -> new HashMap<>())
                .computeIfAbsent(
                    h.pos(),
                    p -> {
                      float[] scores = new float[n];
                      Arrays.fill(scores, Float.NaN);
                      Acc a = new Acc(h.file(), h.pos(), new double[1], new int[n], scores);
                      all.add(a);
                      return a;
                    });
        if (acc.ranks()[l] != 0) {
          continue; // a leg lists a row once; keep its best rank
        }
        acc.ranks()[l] = r + 1;
        acc.scores()[l] = h.score();
        acc.sum()[0] += contribution.of(l, r + 1, h, hits);
      }
    }
    List<HybridHit> out = new ArrayList<>(all.size());
    for (Acc a : all) {
      float s = (float) a.sum()[0];
      out.add(new HybridHit(a.file(), a.pos(), s, s, a.ranks(), a.scores()));
    }
    out.sort(ORDER);
    return out;
  }

  /** Best score first, then data file, then position. */
  Comparator<HybridHit> ORDER =
      Comparator.comparingDouble((HybridHit h) -> -h.score())
          .thenComparing(HybridHit::file)
          .thenComparingLong(HybridHit::pos);
}
