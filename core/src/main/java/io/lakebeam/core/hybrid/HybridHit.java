package io.lakebeam.core.hybrid;

/**
 * One result of a hybrid search.
 *
 * @param file the data file of the row (Iceberg's {@code _file})
 * @param pos the row's position in it ({@code _pos})
 * @param score the final score: the fused score, or the reranker's when a rerank stage ran
 * @param fusedScore the ranker's fused score (RRF or weighted)
 * @param legRanks per leg, the row's 1-based rank in that leg, or 0 when the leg did not return it
 * @param legScores per leg, the leg's own score of the row, or NaN when the leg did not return it
 */
public record HybridHit(
    String file, long pos, float score, float fusedScore, int[] legRanks, float[] legScores) {

  /** This hit with a new final score (a rerank stage's). */
  public HybridHit withScore(float newScore) {
    return new HybridHit(file, pos, newScore, fusedScore, legRanks, legScores);
  }
}
