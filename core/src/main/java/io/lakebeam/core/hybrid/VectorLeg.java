package io.lakebeam.core.hybrid;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.index.SearchHit;
import io.lakebeam.core.index.SearchRequest;
import io.lakebeam.core.lake.Collection;
import java.util.ArrayList;
import java.util.List;

/**
 * A hybrid leg on a vector field: the field's index searched with one vector per query. The leg's
 * score is the metric's similarity ({@link SearchHit#score()}).
 *
 * <pre>{@code
 * new VectorLeg("embedding_bge", new float[][] {q}, 50, 0);
 * }</pre>
 *
 * @param field the vector column, which must have an index
 * @param vectors one query vector per query
 * @param topK candidates per query, 1..{@value SearchRequest#MAX_TOP_K}
 * @param ef search beam width, or 0 for the index default
 */
public record VectorLeg(String field, float[][] vectors, int topK, int ef) implements HybridLeg {
  public VectorLeg {
    if (field == null || field.isBlank()) {
      throw LakebeamException.invalid("Cannot run a vector leg without a field: name one");
    }
    if (vectors == null || vectors.length == 0) {
      throw LakebeamException.invalid(
          "Cannot run the vector leg on '%s' without query vectors", field);
    }
    if (topK < 1 || topK > SearchRequest.MAX_TOP_K) {
      throw LakebeamException.invalid(
          "Cannot run the vector leg on '%s' with top_k=%d: use 1..%d",
          field, topK, SearchRequest.MAX_TOP_K);
    }
  }

  @Override
  public int queries() {
    return vectors.length;
  }

  @Override
  public String describe() {
    return "vector leg on '" + field + "'";
  }

  @Override
  public void check(Collection c) {
    if (!c.vectorFields().containsKey(field)) {
      boolean column = c.schema().findField(field) != null;
      throw LakebeamException.invalid(
          "Cannot run a vector leg on '%s.%s': %s; its vector fields are %s%s",
          c.name(),
          field,
          column ? "it is not a vector field" : "there is no such column",
          c.vectorFields().keySet(),
          column
              ? "; for full text, build a text index (lakebeam index build "
                  + c.name()
                  + " --field "
                  + field
                  + " --type bm25) and send a text leg"
              : "");
    }
    if (!c.lakehouse().indexes().hasIndex(c, field)) {
      throw LakebeamException.invalid(
          "Cannot run a vector leg on '%s.%s': the field has no index; build it with lakebeam"
              + " index build %s --field %s",
          c.name(), field, c.name(), field);
    }
    int dim = c.vectorField(field).dimension();
    for (int i = 0; i < vectors.length; i++) {
      if (vectors[i] == null || vectors[i].length != dim) {
        throw LakebeamException.invalid(
            "Cannot run the vector leg on '%s': query vector %d has dimension %d, but the field"
                + " has dimension %d",
            field, i, vectors[i] == null ? 0 : vectors[i].length, dim);
      }
    }
  }

  @Override
  public List<List<LegHit>> search(Collection c, String filter) {
    List<List<SearchHit>> hits =
        c.lakehouse().indexes().search(c, new SearchRequest(field, vectors, topK, ef, filter));
    List<List<LegHit>> out = new ArrayList<>(hits.size());
    for (List<SearchHit> q : hits) {
      List<LegHit> legHits = new ArrayList<>(q.size());
      for (SearchHit h : q) {
        legHits.add(new LegHit(h.file(), h.pos(), h.score()));
      }
      out.add(legHits);
    }
    return out;
  }
}
