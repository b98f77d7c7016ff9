package io.lakebeam.core.eval;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.index.SearchHit;
import io.lakebeam.core.index.SearchRequest;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.VectorField;
import java.util.ArrayList;
import java.util.List;

/**
 * Vector search on one field's index ({@code vector:embedding}). A query's vector is the queries
 * table's column of the field's name when given, else its text embedded by the {@link QueryEncoder}
 * with the field's model.
 *
 * <pre>{@code
 * RetrievalSystem dense = new VectorSystem("embedding", encoder);
 * }</pre>
 *
 * @param field the vector column
 * @param encoder embeds query texts that have no vector for the field
 */
public record VectorSystem(String field, QueryEncoder encoder) implements RetrievalSystem {
  public VectorSystem {
    if (field == null || field.isBlank()) {
      throw LakebeamException.invalid("Cannot evaluate a vector system without a field");
    }
    encoder = encoder == null ? QueryEncoder.NONE : encoder;
  }

  @Override
  public String name() {
    return "vector:" + field;
  }

  @Override
  public List<String> fields() {
    return List.of(field);
  }

  @Override
  public String models(Collection c) {
    return modelOf(c, field);
  }

  static String modelOf(Collection c, String field) {
    VectorField vf = c.vectorFields().get(field);
    return field + "=" + (vf == null || vf.model() == null ? "unknown" : vf.model());
  }

  @Override
  public void check(Collection c, List<EvalQuery> queries) {
    checkIndexed(c, field, name());
    for (EvalQuery q : queries) {
      if (q.vector(field) == null && q.text() == null) {
        throw LakebeamException.invalid(
            "Cannot evaluate %s: query '%s' has neither text nor a '%s' vector",
            name(), q.id(), field);
      }
    }
  }

  /** Fails unless {@code field} is a vector field of {@code c} with an index. */
  static void checkIndexed(Collection c, String field, String system) {
    if (!c.vectorFields().containsKey(field)) {
      throw LakebeamException.invalid(
          "Cannot evaluate %s on '%s': it has no vector field '%s'; its vector fields are %s",
          system, c.name(), field, c.vectorFields().keySet());
    }
    boolean indexed =
        c.lakehouse().indexes().describe(c).stream().anyMatch(d -> field.equals(d.get("field")));
    if (!indexed) {
      throw LakebeamException.invalid(
          "Cannot evaluate %s on '%s': field '%s' has no vector index; build it with 'lakebeam"
              + " index build %s --field %s'",
          system, c.name(), field, c.name(), field);
    }
  }

  @Override
  public List<List<RetrievedRow>> retrieve(Collection c, List<EvalQuery> queries, int depth) {
    float[][] vectors = vectors(c, queries);
    List<List<SearchHit>> hits =
        c.lakehouse().indexes().search(c, new SearchRequest(field, vectors, depth, 0, null));
    List<List<RetrievedRow>> out = new ArrayList<>(hits.size());
    for (List<SearchHit> perQuery : hits) {
      List<RetrievedRow> rows = new ArrayList<>(perQuery.size());
      for (SearchHit h : perQuery) {
        rows.add(new RetrievedRow(h.file(), h.pos()));
      }
      out.add(rows);
    }
    return out;
  }

  /** The query vectors: given ones as they are, the others embedded in one call. */
  float[][] vectors(Collection c, List<EvalQuery> queries) {
    float[][] out = new float[queries.size()][];
    List<Integer> missing = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < out.length; i++) {
      out[i] = queries.get(i).vector(field);
      if (out[i] == null) {
        missing.add(i);
        texts.add(queries.get(i).text());
      }
    }
    if (!texts.isEmpty()) {
      float[][] embedded = encoder.encode(c.vectorField(field), texts);
      for (int j = 0; j < missing.size(); j++) {
        out[missing.get(j)] = embedded[j];
      }
    }
    return out;
  }
}
