package io.lakebeam.core.hybrid;

import io.lakebeam.core.lake.Collection;
import java.util.List;

/**
 * The optional stage after fusion: reorders the fused candidates of one query and keeps {@code k}.
 * See {@link MmrRerank} (diversity), {@link NumericRerank} (a numeric column: recency, popularity)
 * and {@link CrossEncoderRerank} (a cross-encoder model over query and text).
 *
 * <pre>{@code
 * Rerank mmr = new MmrRerank("embedding", 0.5);
 * }</pre>
 */
public interface Rerank {
  /** Fails with INVALID_ARGUMENT when the stage cannot run on {@code collection}. */
  void check(Collection collection, int queries);

  /**
   * Reorders the fused candidates of query {@code query} (best first) and returns the best {@code
   * k}, each with the stage's score as {@link HybridHit#score()}.
   */
  List<HybridHit> rerank(Collection collection, int query, List<HybridHit> candidates, int k);
}
