package io.lakebeam.core.hybrid;

import io.lakebeam.core.lake.Collection;
import java.util.List;

/**
 * One retriever of a hybrid search: a vector field ({@link VectorLeg}) or a text index. Each leg
 * returns its own ranked candidates; {@link HybridSearch} applies the same filter to every leg and
 * fuses them.
 *
 * <pre>{@code
 * HybridLeg dense = new VectorLeg("embedding", queries, 50, 0);
 * }</pre>
 *
 * <p>Implementations are immutable and may be run from any thread.
 */
public interface HybridLeg {
  /** How many queries the leg holds (every leg of one search holds the same number). */
  int queries();

  /** Candidates per query. */
  int topK();

  /** A short description for errors and results, e.g. {@code "vector leg on 'embedding'"}. */
  String describe();

  /**
   * Fails with INVALID_ARGUMENT (naming the command that builds what is missing) when the leg
   * cannot run on {@code collection}; cheap, called before any leg runs.
   */
  void check(Collection collection);

  /** Runs every query: per query, hits best first, at most {@link #topK()}. */
  List<List<LegHit>> search(Collection collection, String filter);
}
