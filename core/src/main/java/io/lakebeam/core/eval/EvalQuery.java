package io.lakebeam.core.eval;

import io.lakebeam.core.LakebeamException;
import java.io.Serializable;
import java.util.Map;

/**
 * One evaluation query: its id, its text (for text retrievers and for embedding) and, per vector
 * field, a query vector given in the queries table (used instead of embedding the text).
 *
 * <pre>{@code
 * EvalQuery q = new EvalQuery("q1", "list directory contents", Map.of());
 * }</pre>
 *
 * @param id the query id the qrels table refers to
 * @param text the query text, or null
 * @param vectors query vectors by vector field name (may be empty)
 */
public record EvalQuery(String id, String text, Map<String, float[]> vectors)
    implements Serializable {
  public EvalQuery {
    if (id == null || id.isEmpty()) {
      throw LakebeamException.invalid("Cannot evaluate a query without a query_id");
    }
    vectors = vectors == null ? Map.of() : Map.copyOf(vectors);
  }

  /** The query vector given for {@code field}, or null. */
  public float[] vector(String field) {
    return vectors.get(field);
  }
}
