package io.lakebeam.contextpackages;

import io.lakebeam.contextpackages.ContextSpec.Compress;
import io.lakebeam.contextpackages.ContextSpec.Rerank;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * Chooses a package's passages from the retrieved candidates: rerank (MMR, similarity, or
 * similarity plus a column), drop near-duplicates, then keep passages in rerank order while they
 * fit the token budget. Deterministic: every tie is broken by search rank.
 */
final class PassageSelector {
  private PassageSelector() {}

  /** Candidates in rerank order. */
  static List<Candidate> rerank(List<Candidate> candidates, Rerank rerank) {
    List<Candidate> out = new ArrayList<>(candidates);
    switch (rerank.method()) {
      case SIMILARITY -> out.sort(bySimilarity());
      case FIELD ->
          out.sort(
              Comparator.comparingDouble(
                      (Candidate c) ->
                          -(c.similarity()
                              + rerank.weight() * (c.fieldValue() == null ? 0 : c.fieldValue())))
                  .thenComparingInt(Candidate::rank));
      case MMR -> out = mmr(candidates, rerank.lambda());
    }
    return out;
  }

  private static Comparator<Candidate> bySimilarity() {
    return Comparator.comparingDouble((Candidate c) -> -c.similarity())
        .thenComparingInt(Candidate::rank);
  }

  /**
   * Maximal marginal relevance (Carbonell and Goldstein, 1998): repeatedly takes the candidate with
   * the highest {@code lambda * sim(query, d) - (1 - lambda) * max sim(d, chosen)}.
   */
  static List<Candidate> mmr(List<Candidate> candidates, double lambda) {
    List<Candidate> left = new ArrayList<>(candidates);
    left.sort(bySimilarity());
    List<Candidate> chosen = new ArrayList<>();
    double[] maxSimToChosen = new double[left.size()];
    java.util.Arrays.fill(maxSimToChosen, Double.NEGATIVE_INFINITY);
    boolean[] taken = new boolean[left.size()];
    for (int step = 0; step < left.size(); step++) {
      int best = -1;
      double bestScore = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < left.size(); i++) {
        if (taken[i]) {
          continue;
        }
        double redundancy = chosen.isEmpty() ? 0 : maxSimToChosen[i];
        double score = lambda * left.get(i).similarity() - (1 - lambda) * redundancy;
        if (score > bestScore) { // strict: the better-ranked candidate wins a tie
          bestScore = score;
          best = i;
        }
      }
      taken[best] = true;
      Candidate c = left.get(best);
      chosen.add(c);
      for (int i = 0; i < left.size(); i++) {
        if (!taken[i]) {
          maxSimToChosen[i] = Math.max(maxSimToChosen[i], cosine(c.vector(), left.get(i).vector()));
        }
      }
    }
    return chosen;
  }

  /** The candidates without near-duplicates of an earlier one (same text, or cosine >= t). */
  static List<Candidate> dropNearDuplicates(List<Candidate> ranked, double threshold) {
    List<Candidate> kept = new ArrayList<>();
    Set<String> texts = new HashSet<>();
    for (Candidate c : ranked) {
      String normal = c.text().strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
      boolean duplicate = !texts.add(normal);
      for (int i = 0; i < kept.size() && !duplicate; i++) {
        duplicate = cosine(c.vector(), kept.get(i).vector()) >= threshold;
      }
      if (!duplicate) {
        kept.add(c);
      }
    }
    return kept;
  }

  /**
   * Takes passages in order while their token counts (passage plus its reference marker) fit the
   * budget, skipping any that would overflow it; returns them in the order asked for.
   */
  static List<Candidate> fit(
      List<Candidate> ranked, int budget, ToIntFunction<Candidate> tokens, Compress compress) {
    List<Candidate> chosen = new ArrayList<>();
    int used = 0;
    for (Candidate c : ranked) {
      int t = tokens.applyAsInt(c);
      if (used + t <= budget) {
        chosen.add(c);
        used += t;
      }
    }
    return order(chosen, compress.order());
  }

  static List<Candidate> order(List<Candidate> chosen, ContextSpec.Order order) {
    List<Candidate> out = new ArrayList<>(chosen);
    if (order == ContextSpec.Order.DOCUMENT) {
      out.sort(
          Comparator.comparing(Candidate::uri)
              .thenComparing(c -> c.charStart() == null ? 0 : c.charStart())
              .thenComparing(c -> c.ordinal() == null ? 0 : c.ordinal())
              .thenComparingInt(Candidate::rank));
    }
    return out;
  }

  static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
  }
}
