package io.lakebeam.core.eval;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.index.SearchRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A ranking metric cut at rank {@code k}, computed as trec_eval (and BEIR through pytrec_eval)
 * computes it, over one query's ranked document ids and its graded judgments.
 *
 * <ul>
 *   <li>{@code recall@k}: relevant documents in the top {@code k} over all relevant documents of
 *       the query (relevance above 0).
 *   <li>{@code ndcg@k}: DCG of the top {@code k} with gain = relevance and discount {@code
 *       log2(rank + 1)}, over the ideal DCG of the query's judgments sorted by relevance, cut at
 *       {@code k} ({@code ndcg_cut_k} of trec_eval).
 *   <li>{@code mrr@k}: {@code 1 / rank} of the first relevant document within the top {@code k}, 0
 *       when none is.
 * </ul>
 *
 * <pre>{@code
 * RetrievalMetric ndcg = RetrievalMetric.parse("ndcg@10");
 * double v = ndcg.score(List.of("d3", "d1"), Map.of("d1", 2, "d2", 1));
 * }</pre>
 *
 * @param kind what is measured
 * @param k the cut-off rank, 1..{@value SearchRequest#MAX_TOP_K}
 */
public record RetrievalMetric(Kind kind, int k) {
  /** The metrics {@code lakebeam eval} reports when none are named, for a cut-off {@code k}. */
  public static List<RetrievalMetric> defaults(int k) {
    return List.of(
        new RetrievalMetric(Kind.NDCG, 10),
        new RetrievalMetric(Kind.RECALL, k),
        new RetrievalMetric(Kind.MRR, k));
  }

  /** What a metric measures; its wire name is the lower-case name ({@code ndcg}). */
  public enum Kind {
    RECALL,
    NDCG,
    MRR
  }

  public RetrievalMetric {
    if (kind == null) {
      throw LakebeamException.invalid("Cannot evaluate a metric without a kind");
    }
    if (k < 1 || k > SearchRequest.MAX_TOP_K) {
      throw LakebeamException.invalid(
          "Cannot evaluate %s@%d: use a cut-off of 1..%d",
          kind.name().toLowerCase(Locale.ROOT), k, SearchRequest.MAX_TOP_K);
    }
  }

  /** Parses {@code recall@K}, {@code ndcg@K} or {@code mrr@K} (case-insensitive). */
  public static RetrievalMetric parse(String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    int at = t.indexOf('@');
    String name = at < 0 ? t : t.substring(0, at);
    Kind kind =
        switch (name) {
          case "recall" -> Kind.RECALL;
          case "ndcg" -> Kind.NDCG;
          case "mrr" -> Kind.MRR;
          default -> null;
        };
    if (kind == null || at < 0) {
      throw LakebeamException.invalid(
          "Cannot evaluate metric '%s': use recall@K, ndcg@K or mrr@K (e.g. ndcg@10)", text);
    }
    int k;
    try {
      k = Integer.parseInt(t.substring(at + 1));
    } catch (NumberFormatException e) {
      throw LakebeamException.invalid(
          "Cannot evaluate metric '%s': the cut-off after '@' must be a whole number, e.g. %s@10",
          text, name);
    }
    return new RetrievalMetric(kind, k);
  }

  /** Parses a comma-separated list of metrics, e.g. {@code "ndcg@10,recall@100"}. */
  public static List<RetrievalMetric> parseAll(List<String> texts) {
    List<RetrievalMetric> out = new ArrayList<>();
    for (String t : texts) {
      RetrievalMetric m = parse(t);
      if (!out.contains(m)) {
        out.add(m);
      }
    }
    if (out.isEmpty()) {
      throw LakebeamException.invalid("Cannot evaluate without metrics: name e.g. ndcg@10");
    }
    return out;
  }

  /** The metric's name, e.g. {@code ndcg@10}. */
  public String wireName() {
    return kind.name().toLowerCase(Locale.ROOT) + "@" + k;
  }

  @Override
  public String toString() {
    return wireName();
  }

  /**
   * This metric for one query.
   *
   * @param ranking document ids best first, each at most once
   * @param judgments the query's judged documents and their relevance (0 or less: not relevant)
   */
  public double score(List<String> ranking, Map<String, Integer> judgments) {
    int depth = Math.min(k, ranking.size());
    return switch (kind) {
      case RECALL -> recall(ranking, judgments, depth);
      case NDCG -> ndcg(ranking, judgments, depth);
      case MRR -> mrr(ranking, judgments, depth);
    };
  }

  private static int relevance(Map<String, Integer> judgments, String doc) {
    Integer r = judgments.get(doc);
    return r == null ? 0 : r;
  }

  private static double recall(List<String> ranking, Map<String, Integer> judgments, int depth) {
    long relevant = judgments.values().stream().filter(r -> r > 0).count();
    if (relevant == 0) {
      return 0;
    }
    int found = 0;
    for (int i = 0; i < depth; i++) {
      if (relevance(judgments, ranking.get(i)) > 0) {
        found++;
      }
    }
    return (double) found / relevant;
  }

  private double ndcg(List<String> ranking, Map<String, Integer> judgments, int depth) {
    double dcg = 0;
    for (int i = 0; i < depth; i++) {
      int r = relevance(judgments, ranking.get(i));
      if (r > 0) {
        dcg += r / log2(i + 2);
      }
    }
    int[] ideal =
        judgments.values().stream()
            .filter(r -> r > 0)
            .sorted((a, b) -> Integer.compare(b, a))
            .mapToInt(Integer::intValue)
            .toArray();
    double idcg = 0;
    for (int i = 0; i < Math.min(k, ideal.length); i++) {
      idcg += ideal[i] / log2(i + 2);
    }
    return idcg == 0 ? 0 : dcg / idcg;
  }

  private static double mrr(List<String> ranking, Map<String, Integer> judgments, int depth) {
    for (int i = 0; i < depth; i++) {
      if (relevance(judgments, ranking.get(i)) > 0) {
        return 1.0 / (i + 1);
      }
    }
    return 0;
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
