package io.lakebeam.core.index;

import org.apache.lucene.index.FieldInvertState;
import org.apache.lucene.search.CollectionStatistics;
import org.apache.lucene.search.TermStatistics;
import org.apache.lucene.search.similarities.Similarity;

/**
 * Lucene's BM25 ({@code idf · tf / (tf + k1·(1 - b + b·dl/avgdl))}, without the constant {@code k1
 * + 1} factor, as Lucene 8+ scores it) with each document's exact length as its norm, where
 * Lucene's {@code BM25Similarity} keeps a lossy one-byte length. Scores then equal a BM25 computed
 * from exact token counts (bm25s {@code method="lucene"}, Pyserini with exact lengths) to float
 * precision. The norm still decreases the score monotonically, so Lucene's block-max pruning stays
 * exact. Statistics ({@code docCount}, {@code avgdl}, {@code docFreq}) are whatever the searcher
 * aggregates: over a {@code MultiReader} of every segment they are collection-wide.
 */
final class ExactBm25Similarity extends Similarity {
  static final float DEFAULT_K1 = 1.2f;
  static final float DEFAULT_B = 0.75f;

  private final float k1;
  private final float b;

  ExactBm25Similarity(float k1, float b) {
    super(true);
    this.k1 = k1;
    this.b = b;
  }

  @Override
  public long computeNorm(FieldInvertState state) {
    return state.getLength() - state.getNumOverlap();
  }

  @Override
  public SimScorer scorer(float boost, CollectionStatistics collection, TermStatistics... terms) {
    double idf = 0;
    for (TermStatistics t : terms) {
      idf += idf(t.docFreq(), collection.docCount());
    }
    float weight = (float) (boost * idf);
    double avgdl = collection.sumTotalTermFreq() / (double) collection.docCount();
    double k1b = k1 * b / avgdl;
    double k1c = k1 * (1 - b);
    return new SimScorer() {
      @Override
      public float score(float freq, long norm) {
        return (float) (weight * freq / (freq + k1c + k1b * norm));
      }
    };
  }

  /** Lucene's BM25 idf, always positive: {@code ln(1 + (N - n + 0.5) / (n + 0.5))}. */
  static double idf(long docFreq, long docCount) {
    return (float) Math.log(1 + (docCount - docFreq + 0.5D) / (docFreq + 0.5D));
  }
}
