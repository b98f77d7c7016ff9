package io.lakebeam.core.eval;

import io.lakebeam.core.lake.Collection;
import java.util.List;

/**
 * A system under evaluation: something that, for each query, returns rows of a collection best
 * first. {@link RetrievalSystems#parse} makes one from a spec such as {@code vector:embedding},
 * {@code bm25:text} or {@code hybrid:text+embedding}.
 *
 * <pre>{@code
 * RetrievalSystem dense = RetrievalSystems.parse("vector:embedding", encoder);
 * dense.check(collection, queries);
 * List<List<RetrievedRow>> rows = dense.retrieve(collection, queries, 100);
 * }</pre>
 *
 * <p>Implementations are immutable and may be called from any thread.
 */
public interface RetrievalSystem {
  /** The spec it was parsed from, e.g. {@code vector:embedding}: the {@code system} column. */
  String name();

  /** The columns it searches, e.g. {@code [text, embedding]}. */
  List<String> fields();

  /**
   * The models or analyzers behind each field on {@code collection}, e.g. {@code
   * embedding=all-minilm-l6-v2}: the {@code models} column of the results, so runs before and after
   * a model upgrade can be told apart.
   */
  String models(Collection collection);

  /**
   * Fails with INVALID_ARGUMENT (naming the command that builds a missing index) when the system
   * cannot run on {@code collection} for these queries; cheap, called before anything runs.
   */
  void check(Collection collection, List<EvalQuery> queries);

  /** Per query, at most {@code depth} rows best first. */
  List<List<RetrievedRow>> retrieve(Collection collection, List<EvalQuery> queries, int depth);
}
